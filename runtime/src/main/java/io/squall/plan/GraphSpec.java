package io.squall.plan;

import io.squall.api.enums.DataTransferMode;

import java.io.Serializable;
import java.util.List;

/**
 * The frozen content of a task graph (what {@code TaskGraph.snapshot()} captures): its transfers in declaration
 * order, its tasks in execution order, the objects it leaves on the device for other graphs, those it takes
 * from other graphs, and those whose device buffers start without the host's contents.
 */
public record GraphSpec(
        String name,
        List<Transfer> toDevice,
        List<TaskSpec> tasks,
        List<Transfer> toHost,
        List<Object> persisted,
        List<Consumed> consumed,
        List<Object> allocatedOnDevice) {

    public record Transfer(DataTransferMode mode, Object object) {}

    /** One task: its id within the graph, the method reference, and the arguments given to {@code task(...)}. */
    public record TaskSpec(String id, Serializable function, Object[] args) {}

    /**
     * The function of a library task ({@code TaskGraph.libraryTask}): a native library call that no Squall backend
     * provides, kept so that building a plan can name it.
     */
    public record LibraryCall(io.squall.api.common.LibraryTaskDescriptor descriptor) implements Serializable {}

    /** An object a graph expects on the device from graph {@code graph} (null: from whichever graph left it there). */
    public record Consumed(String graph, Object object) {}

    public GraphSpec {
        toDevice = List.copyOf(toDevice);
        tasks = List.copyOf(tasks);
        toHost = List.copyOf(toHost);
        persisted = List.copyOf(persisted);
        consumed = List.copyOf(consumed);
        allocatedOnDevice = List.copyOf(allocatedOnDevice);
    }
}
