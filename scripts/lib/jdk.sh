# Sourced by Squall's scripts: finds a JDK 25 and exports JAVA_HOME. Usage: squall_find_jdk <script name>
# Order: JAVA_HOME when it is a JDK 25 or later, then the usual install locations, then `java` on the PATH.
# A JDK older than 25 is never used silently: the message names it and says what to install.

squall_jdk_version() { # prints the feature version of the JDK at $1 (e.g. 25), or nothing
  local home="$1" v=""
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  if [[ -f "$home/release" ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [[ -z "$v" ]]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  printf '%s' "$v"
}

squall_find_jdk() {
  local who="${1:-squall}" candidate v rejected=()
  local candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/java-25-* /usr/lib/jvm/jdk-25* /usr/lib/jvm/*-25-* \
               /usr/lib/jvm/* /opt/java/openjdk /opt/jdk-25* /opt/java/jdk-25* \
               "$HOME"/.sdkman/candidates/java/25* "$HOME"/.jdks/*25* \
               /Library/Java/JavaVirtualMachines/*/Contents/Home)
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    [[ -d "$candidate" ]] || continue
    v=$(squall_jdk_version "$candidate")
    if [[ -n "$v" && "$v" -ge 25 ]]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
    [[ -n "$v" ]] && rejected+=("$candidate (Java $v)")
  done
  {
    echo "$who: no JDK 25 found (looked at JAVA_HOME, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks and the PATH)."
    ((${#rejected[@]})) && echo "$who: too old: $(printf '%s; ' "${rejected[@]}" | sed 's/; $//')"
    echo "$who: install Temurin 25 (https://adoptium.net/installation/linux: apt-get install temurin-25-jdk from the"
    echo "$who: Adoptium repository) or another JDK 25, then run again (or set JAVA_HOME to it)."
  } >&2
  exit 1
}

# The LD_PRELOAD value for a Squall JVM: HotSpot's signal chaining (libjsig) first, so an OpenCL driver that compiles
# kernels with LLVM in-process (PoCL, Mesa) cannot put its SIGSEGV handler in front of the JVM's (two Java threads
# faulting at once, as at a safepoint, then kill the JVM). See io.squall.backend.opencl.driver.DriverEnvironment.
squall_jsig_preload() {
  local jsig="$JAVA_HOME/lib/libjsig.so"
  if [[ -f "$jsig" ]]; then
    printf '%s' "$jsig${LD_PRELOAD:+:$LD_PRELOAD}"
  else
    printf '%s' "${LD_PRELOAD:-}"
  fi
}
