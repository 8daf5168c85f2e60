package io.squall.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** Launch grids per task, keyed by {@code "graph.task"}. */
public final class GridScheduler {
    private final Map<String, WorkerGrid> grids = new LinkedHashMap<>();

    public GridScheduler() {}

    public GridScheduler(String taskName, WorkerGrid grid) {
        addWorkerGrid(taskName, grid);
    }

    public void addWorkerGrid(String taskName, WorkerGrid grid) {
        if (taskName == null || !taskName.contains(".")) {
            throw new IllegalArgumentException("grid key must be \"graph.task\", got: " + taskName);
        }
        grids.put(taskName, grid);
    }

    public WorkerGrid get(String taskName) {
        return grids.get(taskName);
    }

    public boolean contains(String taskName) {
        return grids.containsKey(taskName);
    }

    public Map<String, WorkerGrid> all() {
        return Map.copyOf(grids);
    }
}
