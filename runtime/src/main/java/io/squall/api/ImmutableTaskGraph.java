package io.squall.api;

import io.squall.plan.GraphSpec;

/** A frozen task graph ({@link TaskGraph#snapshot()}), the unit an execution plan runs. */
public final class ImmutableTaskGraph {
    private final GraphSpec graph;

    ImmutableTaskGraph(GraphSpec graph) {
        this.graph = graph;
    }

    public String getTaskGraphName() {
        return graph.name();
    }

    /** The graph's content, for the executor. */
    public GraphSpec graph() {
        return graph;
    }

    @Override
    public String toString() {
        return "ImmutableTaskGraph[" + graph.name() + ", tasks="
                + graph.tasks().stream().map(GraphSpec.TaskSpec::id).toList() + "]";
    }
}
