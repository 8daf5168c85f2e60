package io.squall.exec;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.exceptions.TornadoExecutionPlanException;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks that are bound instance-method references ({@code obj::method}, TornadoVM's TestFields shape): the fields the
 * method reads are bound at each launch, arrays among them move like arguments (written ones come back with
 * transferToHost), and a field of a type kernels cannot take is refused with its name.
 */
class InstanceTaskTest {
    static final class Fields {
        final FloatArray a;
        final FloatArray b;
        final FloatArray out;
        int factor;
        String label = "not kernel data";

        Fields(int n) {
            a = new FloatArray(n);
            b = new FloatArray(n);
            out = new FloatArray(n);
            for (int i = 0; i < n; i++) {
                a.set(i, i);
                b.set(i, 2 * i + 1);
            }
        }

        void combine() {
            for (@Parallel int i = 0; i < out.getSize(); i++) {
                out.set(i, a.get(i) + factor * b.get(i));
            }
        }

        void readsLabel(FloatArray x) {
            x.set(0, label.length());
        }
    }

    static List<String> devices() {
        List<String> ids = new ArrayList<>();
        for (ComputeDevice d : Devices.all()) {
            if (d.id().startsWith("opencl:") || d.id().startsWith("spirv:") || d.id().equals("jvm")) {
                ids.add(d.id());
            }
        }
        return ids;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void fieldsAreReadAtEachLaunch(String device) throws TornadoExecutionPlanException {
        final int n = 300;
        Fields foo = new Fields(n);
        TaskGraph g = new TaskGraph("fields")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, foo.a, foo.b)
                .task("t0", foo::combine)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, foo.out);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(device))) {
            for (int factor : new int[] {3, -2}) {
                foo.factor = factor;
                plan.execute();
                for (int i = 0; i < n; i++) {
                    assertEquals(i + factor * (2f * i + 1), foo.out.get(i), "factor " + factor + ", element " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void aFieldOfAnotherTypeIsRefusedByName(String device) {
        if (device.equals("jvm")) {
            return; // the JVM runs the Java method itself, fields of any type included
        }
        Fields foo = new Fields(4);
        FloatArray x = new FloatArray(1);
        TaskGraph g = new TaskGraph("label").task("t0", foo::readsLabel, x);
        TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, () -> {
            try (TornadoExecutionPlan plan =
                    new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(device))) {
                plan.execute();
            }
        });
        assertTrue(e.getMessage().contains("label") && e.getMessage().contains("String"), e.getMessage());
    }
}
