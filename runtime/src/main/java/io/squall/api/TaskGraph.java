package io.squall.api;

import io.squall.api.common.LibraryTaskDescriptor;
import io.squall.api.common.TornadoFunctions;
import io.squall.api.common.TornadoFunctions.Task;
import io.squall.api.common.TornadoFunctions.Task1;
import io.squall.api.common.TornadoFunctions.Task10;
import io.squall.api.common.TornadoFunctions.Task11;
import io.squall.api.common.TornadoFunctions.Task12;
import io.squall.api.common.TornadoFunctions.Task13;
import io.squall.api.common.TornadoFunctions.Task14;
import io.squall.api.common.TornadoFunctions.Task15;
import io.squall.api.common.TornadoFunctions.Task16;
import io.squall.api.common.TornadoFunctions.Task17;
import io.squall.api.common.TornadoFunctions.Task18;
import io.squall.api.common.TornadoFunctions.Task19;
import io.squall.api.common.TornadoFunctions.Task2;
import io.squall.api.common.TornadoFunctions.Task20;
import io.squall.api.common.TornadoFunctions.Task3;
import io.squall.api.common.TornadoFunctions.Task4;
import io.squall.api.common.TornadoFunctions.Task5;
import io.squall.api.common.TornadoFunctions.Task6;
import io.squall.api.common.TornadoFunctions.Task7;
import io.squall.api.common.TornadoFunctions.Task8;
import io.squall.api.common.TornadoFunctions.Task9;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.TornadoNativeArray;
import io.squall.plan.GraphSpec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A named group of tasks and the data movements around them, as in TornadoVM:
 * <pre>{@code
 * TaskGraph g = new TaskGraph("s0")
 *     .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
 *     .task("t0", MyKernels::vectorAdd, a, b, c)
 *     .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
 * try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) { plan.execute(); }
 * }</pre>
 * Objects that tasks use but no {@code transferToDevice} names are copied to the device once, when first needed
 * (like {@code FIRST_EXECUTION}); objects a task writes stay on the device until a {@code transferToHost} (or
 * {@code TornadoExecutionResult.transferToHost}) brings them back.
 */
public class TaskGraph {

    private final String name;
    private final List<GraphSpec.Transfer> toDevice = new ArrayList<>();
    private final List<GraphSpec.TaskSpec> tasks = new ArrayList<>();
    private final List<GraphSpec.Transfer> toHost = new ArrayList<>();
    private final List<Object> persisted = new ArrayList<>();
    private final List<GraphSpec.Consumed> consumed = new ArrayList<>();
    private final List<Object> allocatedOnDevice = new ArrayList<>();

    public TaskGraph(String name) {
        checkName("task graph name", name);
        this.name = name;
    }

    public String getTaskGraphName() {
        return name;
    }

    /** Copies {@code objects} to the device before the tasks run: once ({@code FIRST_EXECUTION}) or on every execution. */
    public TaskGraph transferToDevice(DataTransferMode mode, Object... objects) {
        if (mode == null || mode == DataTransferMode.UNDER_DEMAND) {
            throw new IllegalArgumentException(
                    "task graph " + name + ": transferToDevice takes FIRST_EXECUTION or EVERY_EXECUTION, not " + mode);
        }
        for (Object o : checkObjects("transferToDevice", objects)) {
            if (allocatedOnDevice.stream().anyMatch(a -> a == o)) {
                throw new IllegalArgumentException("task graph " + name + ": transferToDevice of an object given to"
                        + " allocateOnDevice (whose host contents never go to the device)");
            }
            toDevice.add(new GraphSpec.Transfer(mode, o));
        }
        return this;
    }

    /**
     * Squall's own: objects the tasks write before they read them (scratch memory, a model's key/value cache), whose
     * device buffers are allocated on first use without copying the host's contents into them: their host contents
     * are never read. A transfer to the host still brings the device's contents back. On a device that computes in
     * host memory (the JVM backend) the host array itself is used. Not with {@link #transferToDevice} for the same
     * object.
     */
    public TaskGraph allocateOnDevice(Object... objects) {
        for (Object o : checkObjects("allocateOnDevice", objects)) {
            if (toDevice.stream().anyMatch(t -> t.object() == o)) {
                throw new IllegalArgumentException("task graph " + name + ": allocateOnDevice of an object given to"
                        + " transferToDevice (its host contents would go to the device)");
            }
            allocatedOnDevice.add(o);
        }
        return this;
    }

    /** Copies {@code objects} back after the tasks ran: every execution, the first only, or {@code UNDER_DEMAND} (when the result asks). */
    public TaskGraph transferToHost(DataTransferMode mode, Object... objects) {
        if (mode == null) {
            throw new IllegalArgumentException("task graph " + name + ": transferToHost needs a DataTransferMode");
        }
        for (Object o : checkObjects("transferToHost", objects)) {
            toHost.add(new GraphSpec.Transfer(mode, o));
        }
        return this;
    }

    /** Keeps {@code objects}' device buffers after this graph runs so another graph ({@link #consumeFromDevice}) uses them without a host copy. */
    public TaskGraph persistOnDevice(Object... objects) {
        persisted.addAll(checkObjects("persistOnDevice", objects));
        return this;
    }

    /** Uses the device buffers that graph {@code graphName} left with {@link #persistOnDevice}: no copy from the host. */
    public TaskGraph consumeFromDevice(String graphName, Object... objects) {
        checkName("consumeFromDevice graph name", graphName);
        for (Object o : checkObjects("consumeFromDevice", objects)) {
            consumed.add(new GraphSpec.Consumed(graphName, o));
        }
        return this;
    }

    /** Uses device buffers that an earlier graph left with {@link #persistOnDevice}: no copy from the host. */
    public TaskGraph consumeFromDevice(Object... objects) {
        for (Object o : checkObjects("consumeFromDevice", objects)) {
            consumed.add(new GraphSpec.Consumed(null, o));
        }
        return this;
    }

    public TaskGraph task(String id, Task code) {
        return addTask(id, code);
    }

    public <T1> TaskGraph task(String id, Task1<T1> code, T1 arg1) {
        return addTask(id, code, arg1);
    }

    public <T1, T2> TaskGraph task(String id, Task2<T1, T2> code, T1 arg1, T2 arg2) {
        return addTask(id, code, arg1, arg2);
    }

    public <T1, T2, T3> TaskGraph task(String id, Task3<T1, T2, T3> code, T1 arg1, T2 arg2, T3 arg3) {
        return addTask(id, code, arg1, arg2, arg3);
    }

    public <T1, T2, T3, T4> TaskGraph task(String id, Task4<T1, T2, T3, T4> code, T1 arg1, T2 arg2, T3 arg3, T4 arg4) {
        return addTask(id, code, arg1, arg2, arg3, arg4);
    }

    public <T1, T2, T3, T4, T5> TaskGraph task(
            String id, Task5<T1, T2, T3, T4, T5> code, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5);
    }

    public <T1, T2, T3, T4, T5, T6> TaskGraph task(
            String id, Task6<T1, T2, T3, T4, T5, T6> code, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, T6 arg6) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5, arg6);
    }

    public <T1, T2, T3, T4, T5, T6, T7> TaskGraph task(
            String id,
            Task7<T1, T2, T3, T4, T5, T6, T7> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8> TaskGraph task(
            String id,
            Task8<T1, T2, T3, T4, T5, T6, T7, T8> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9> TaskGraph task(
            String id,
            Task9<T1, T2, T3, T4, T5, T6, T7, T8, T9> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> TaskGraph task(
            String id,
            Task10<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> TaskGraph task(
            String id,
            Task11<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> TaskGraph task(
            String id,
            Task12<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> TaskGraph task(
            String id,
            Task13<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13) {
        return addTask(id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14> TaskGraph task(
            String id,
            Task14<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14) {
        return addTask(
                id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15> TaskGraph task(
            String id,
            Task15<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15) {
        return addTask(
                id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                arg15);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16> TaskGraph task(
            String id,
            Task16<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16) {
        return addTask(
                id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                arg15, arg16);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17> TaskGraph task(
            String id,
            Task17<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16,
            T17 arg17) {
        return addTask(
                id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                arg15, arg16, arg17);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18> TaskGraph task(
            String id,
            Task18<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16,
            T17 arg17,
            T18 arg18) {
        return addTask(
                id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                arg15, arg16, arg17, arg18);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19> TaskGraph task(
            String id,
            Task19<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16,
            T17 arg17,
            T18 arg18,
            T19 arg19) {
        return addTask(
                id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                arg15, arg16, arg17, arg18, arg19);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19, T20> TaskGraph task(
            String id,
            Task20<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19, T20> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16,
            T17 arg17,
            T18 arg18,
            T19 arg19,
            T20 arg20) {
        return addTask(
                id, code, arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                arg15, arg16, arg17, arg18, arg19, arg20);
    }

    private TaskGraph addTask(String id, Serializable code, Object... args) {
        checkTaskId(id);
        if (code == null) {
            throw new IllegalArgumentException("task " + name + "." + id + ": the task's method reference is null");
        }
        for (GraphSpec.TaskSpec t : tasks) {
            if (t.id().equals(id)) {
                throw new IllegalArgumentException("task graph " + name + " already has a task '" + id + "'");
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                throw new IllegalArgumentException("task " + name + "." + id + ": argument " + i + " is null");
            }
        }
        tasks.add(new GraphSpec.TaskSpec(id, code, args.clone()));
        return this;
    }

    /**
     * TornadoVM's hybrid API: {@code code} (a library binding's factory method) describes a call of a native library
     * function, which this graph keeps as task {@code id}. Squall has no native library providers, so a plan with a
     * library task is refused when it is built, naming the task, library and function.
     */
    public <T1> TaskGraph libraryTask(String id, TornadoFunctions.LibraryTask1<T1> code, T1 arg1) {
        return addLibraryTask(id, code == null ? null : () -> code.apply(arg1));
    }

    public <T1, T2> TaskGraph libraryTask(String id, TornadoFunctions.LibraryTask2<T1, T2> code, T1 arg1, T2 arg2) {
        return addLibraryTask(id, code == null ? null : () -> code.apply(arg1, arg2));
    }

    public <T1, T2, T3> TaskGraph libraryTask(
            String id, TornadoFunctions.LibraryTask3<T1, T2, T3> code, T1 arg1, T2 arg2, T3 arg3) {
        return addLibraryTask(id, code == null ? null : () -> code.apply(arg1, arg2, arg3));
    }

    public <T1, T2, T3, T4> TaskGraph libraryTask(
            String id, TornadoFunctions.LibraryTask4<T1, T2, T3, T4> code, T1 arg1, T2 arg2, T3 arg3, T4 arg4) {
        return addLibraryTask(id, code == null ? null : () -> code.apply(arg1, arg2, arg3, arg4));
    }

    public <T1, T2, T3, T4, T5> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask5<T1, T2, T3, T4, T5> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5) {
        return addLibraryTask(id, code == null ? null : () -> code.apply(arg1, arg2, arg3, arg4, arg5));
    }

    public <T1, T2, T3, T4, T5, T6> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask6<T1, T2, T3, T4, T5, T6> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6) {
        return addLibraryTask(id, code == null ? null : () -> code.apply(arg1, arg2, arg3, arg4, arg5, arg6));
    }

    public <T1, T2, T3, T4, T5, T6, T7> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask7<T1, T2, T3, T4, T5, T6, T7> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7) {
        return addLibraryTask(id, code == null ? null : () -> code.apply(arg1, arg2, arg3, arg4, arg5, arg6, arg7));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask8<T1, T2, T3, T4, T5, T6, T7, T8> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8) {
        return addLibraryTask(
                id, code == null ? null : () -> code.apply(arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask9<T1, T2, T3, T4, T5, T6, T7, T8, T9> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9) {
        return addLibraryTask(
                id, code == null ? null : () -> code.apply(arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask10<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10) {
        return addLibraryTask(
                id,
                code == null ? null : () -> code.apply(arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask11<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask12<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask13<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(
                                arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask14<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(
                                arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13,
                                arg14));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask15<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(
                                arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                                arg15));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask16<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16> code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(
                                arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                                arg15, arg16));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask17<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17>
                    code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16,
            T17 arg17) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(
                                arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                                arg15, arg16, arg17));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask18<
                            T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18>
                    code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16,
            T17 arg17,
            T18 arg18) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(
                                arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                                arg15, arg16, arg17, arg18));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19> TaskGraph libraryTask(
            String id,
            TornadoFunctions.LibraryTask19<
                            T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19>
                    code,
            T1 arg1,
            T2 arg2,
            T3 arg3,
            T4 arg4,
            T5 arg5,
            T6 arg6,
            T7 arg7,
            T8 arg8,
            T9 arg9,
            T10 arg10,
            T11 arg11,
            T12 arg12,
            T13 arg13,
            T14 arg14,
            T15 arg15,
            T16 arg16,
            T17 arg17,
            T18 arg18,
            T19 arg19) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(
                                arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                                arg15, arg16, arg17, arg18, arg19));
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19, T20>
            TaskGraph libraryTask(
                    String id,
                    TornadoFunctions.LibraryTask20<
                                    T1,
                                    T2,
                                    T3,
                                    T4,
                                    T5,
                                    T6,
                                    T7,
                                    T8,
                                    T9,
                                    T10,
                                    T11,
                                    T12,
                                    T13,
                                    T14,
                                    T15,
                                    T16,
                                    T17,
                                    T18,
                                    T19,
                                    T20>
                            code,
                    T1 arg1,
                    T2 arg2,
                    T3 arg3,
                    T4 arg4,
                    T5 arg5,
                    T6 arg6,
                    T7 arg7,
                    T8 arg8,
                    T9 arg9,
                    T10 arg10,
                    T11 arg11,
                    T12 arg12,
                    T13 arg13,
                    T14 arg14,
                    T15 arg15,
                    T16 arg16,
                    T17 arg17,
                    T18 arg18,
                    T19 arg19,
                    T20 arg20) {
        return addLibraryTask(
                id,
                code == null
                        ? null
                        : () -> code.apply(
                                arg1, arg2, arg3, arg4, arg5, arg6, arg7, arg8, arg9, arg10, arg11, arg12, arg13, arg14,
                                arg15, arg16, arg17, arg18, arg19, arg20));
    }

    private TaskGraph addLibraryTask(String id, java.util.function.Supplier<LibraryTaskDescriptor> binding) {
        checkTaskId(id);
        if (binding == null) {
            throw new IllegalArgumentException("task " + name + "." + id + ": the library binding is null");
        }
        for (GraphSpec.TaskSpec t : tasks) {
            if (t.id().equals(id)) {
                throw new IllegalArgumentException("task graph " + name + " already has a task '" + id + "'");
            }
        }
        LibraryTaskDescriptor call = binding.get();
        if (call == null) {
            throw new IllegalArgumentException("task " + name + "." + id + ": the library binding returned null");
        }
        tasks.add(new GraphSpec.TaskSpec(id, new GraphSpec.LibraryCall(call), new Object[0]));
        return this;
    }

    /** A frozen copy to build execution plans from; later changes to this graph do not affect it. */
    public ImmutableTaskGraph snapshot() {
        if (tasks.isEmpty()) {
            throw new IllegalStateException("task graph " + name + " has no tasks");
        }
        return new ImmutableTaskGraph(
                new GraphSpec(name, toDevice, tasks, toHost, persisted, consumed, allocatedOnDevice));
    }

    private static boolean isBoxedScalar(Object o) {
        // an AtomicInteger is a Number too, but a counter the kernel updates: it moves like an array
        return (o instanceof Number && !(o instanceof java.util.concurrent.atomic.AtomicInteger))
                || o instanceof Boolean
                || o instanceof Character;
    }

    private List<Object> checkObjects(String what, Object[] objects) {
        if (objects == null || objects.length == 0) {
            throw new IllegalArgumentException("task graph " + name + ": " + what + " needs at least one object");
        }
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < objects.length; i++) {
            Object o = objects[i];
            if (o == null) {
                throw new IllegalArgumentException("task graph " + name + ": " + what + " object " + i + " is null");
            }
            if (o instanceof io.squall.api.types.arrays.ArrayBacked backed) {
                o = backed.getStorage(); // a vector or matrix moves as the array behind it
            }
            if (isBoxedScalar(o) || o instanceof KernelContext) {
                continue; // as in TornadoVM: scalars travel by value with their task, a KernelContext holds no data
            }
            if (!(o instanceof TornadoNativeArray)
                    && !(o.getClass().isArray() && o.getClass().componentType().isPrimitive())
                    && !(o instanceof java.util.concurrent.atomic.AtomicInteger)) {
                throw new IllegalArgumentException(
                        "task graph " + name + ": " + what + " object " + i + " is a "
                                + o.getClass().getTypeName()
                                + "; only off-heap arrays (FloatArray, ...), Java primitive arrays and AtomicInteger move between host and device");
            }
            if (seen.add(o)) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * TornadoVM's prebuilt task runs a hand-written OpenCL/PTX file; Squall compiles every task from Java bytecode
     * and refuses this with an error naming the file (write the kernel in Java, or use devices.json AOT binaries).
     */
    public TaskGraph prebuiltTask(
            String id, String entryPoint, String filename, AccessorParameters accessorParameters) {
        throw new TornadoRuntimeException("task graph " + name + ": prebuiltTask '" + id + "' (" + entryPoint + " in "
                + filename + ") is not supported: Squall compiles tasks from their Java bytecode");
    }

    public TaskGraph prebuiltTask(
            String id, String entryPoint, String filename, AccessorParameters accessorParameters, int[] atomics) {
        return prebuiltTask(id, entryPoint, filename, accessorParameters);
    }

    /**
     * TornadoVM accepts any graph name or task id (e.g. {@code "t,@"}, {@code "s0&1"}); only the '.' that joins graph
     * and task, '/' (they name emitted files) and blanks are refused.
     */
    private static void checkTaskId(String id) {
        checkName("task id", id);
    }

    private static void checkName(String what, String n) {
        if (n == null
                || n.isEmpty()
                || n.chars()
                        .anyMatch(
                                c -> c == '.' || c == '/' || Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException(what + " '" + n + "' must be non-empty, without '.', '/' or blanks");
        }
    }
}
