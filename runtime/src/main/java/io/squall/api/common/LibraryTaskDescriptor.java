package io.squall.api.common;

/**
 * A call of a function of a native library (TornadoVM's hybrid API, e.g. a cuBLAS binding), built by a binding's
 * factory method and added to a graph with {@code TaskGraph.libraryTask}. Squall ships no library providers: a plan
 * whose graph holds a library task is refused with an error naming the task, the library and the function.
 */
public class LibraryTaskDescriptor {
    private String libraryName;
    private String functionName;
    private Object[] parameters;
    private Access[] access;
    private Object tuning;

    public LibraryTaskDescriptor withLibrary(String libraryName) {
        this.libraryName = libraryName;
        return this;
    }

    public LibraryTaskDescriptor withFunction(String functionName) {
        this.functionName = functionName;
        return this;
    }

    /** The library function's arguments, in its order (arrays, then scalars as boxed values). */
    public LibraryTaskDescriptor withParameters(Object[] parameters) {
        this.parameters = parameters;
        return this;
    }

    /** How the function uses each parameter, by position. */
    public LibraryTaskDescriptor withAccess(Access[] access) {
        this.access = access;
        return this;
    }

    /** Library-specific options, opaque to the runtime (math mode, workspace size, algorithm). */
    public LibraryTaskDescriptor withTuning(Object tuning) {
        this.tuning = tuning;
        return this;
    }

    public String getLibraryName() {
        return libraryName;
    }

    public String getFunctionName() {
        return functionName;
    }

    public Object[] getParameters() {
        return parameters;
    }

    public Access[] getAccess() {
        return access;
    }

    public Object getTuning() {
        return tuning;
    }
}
