package io.squall.api;

import java.util.ServiceLoader;

/** The {@link RuntimeService}, loaded once on first use: looked up in the API's own class loader, then in the thread's. */
final class LoadedRuntime {
    static final RuntimeService INSTANCE = load();

    private LoadedRuntime() {}

    private static RuntimeService load() {
        for (ClassLoader loader : new ClassLoader[] {
            RuntimeService.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
        }) {
            if (loader != null) {
                for (RuntimeService s : ServiceLoader.load(RuntimeService.class, loader)) {
                    return s;
                }
            }
        }
        throw new IllegalStateException(
                "no " + RuntimeService.class.getName() + " on the class path: the squall-runtime jar's "
                        + "META-INF/services/" + RuntimeService.class.getName() + " is missing");
    }
}
