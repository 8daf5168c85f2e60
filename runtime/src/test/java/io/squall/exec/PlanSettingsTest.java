package io.squall.exec;

import io.squall.api.enums.ProfilerMode;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.backend.ComputeDevice;
import io.squall.jit.CompileOptions;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanSettingsTest {
    private static final ComputeDevice CPU = new PropertiesOnlyDevice(TornadoDeviceType.CPU);
    private static final ComputeDevice GPU = new PropertiesOnlyDevice(TornadoDeviceType.GPU);

    private static PlanSettings settings() {
        PlanSettings s = new PlanSettings();
        s.checked = false; // independent of -Dsquall.checked and -Dsquall.fastMath in the test JVM
        s.fastMath = false;
        return s;
    }

    @Test
    void cpuDevicesGuardAccessesUnlessThePlanVouchesAndCheckedModeReportsEverywhere() {
        PlanSettings s = settings();
        assertEquals(CompileOptions.AccessChecks.GUARD, s.compileOptions(CPU).accessChecks());
        assertEquals(CompileOptions.AccessChecks.NONE, s.compileOptions(GPU).accessChecks());
        s.accessGuards = false;
        assertEquals(CompileOptions.AccessChecks.NONE, s.compileOptions(CPU).accessChecks());
        s.checked = true;
        assertEquals(CompileOptions.AccessChecks.REPORT, s.compileOptions(CPU).accessChecks());
        assertEquals(CompileOptions.AccessChecks.REPORT, s.compileOptions(GPU).accessChecks());
        s.fastMath = true;
        s.specializeScalars = true;
        CompileOptions o = s.compileOptions(GPU);
        assertTrue(o.fastMath() && o.specializeScalars());
    }

    @Test
    void everySettingThatChangesTheCodeChangesThePreparedKey() {
        PlanSettings s = settings();
        String plain = s.preparedKey(GPU);
        assertEquals(GPU.id(), plain);
        s.fastMath = true;
        String fast = s.preparedKey(GPU);
        s.specializeScalars = true;
        String spec = s.preparedKey(GPU);
        s.checked = true;
        String checked = s.preparedKey(GPU);
        s.accessGuards = false;
        String unguarded = s.preparedKey(GPU);
        assertEquals(
                5,
                Set.of(plain, fast, spec, checked, unguarded).size(),
                plain + " " + fast + " " + spec + " " + checked + " " + unguarded);
        s.printKernel = !s.printKernel;
        s.threadInfo = !s.threadInfo;
        assertEquals(unguarded, s.preparedKey(GPU), "printing does not change the code");
    }

    @Test
    void theProfilerPropertyIsConsoleSilentOrAJsonFile() {
        assertEquals(ProfilerMode.CONSOLE, PlanSettings.profilerMode("Console"));
        assertEquals(ProfilerMode.SILENT, PlanSettings.profilerMode("silent"));
        assertNull(PlanSettings.profilerMode("json:/tmp/profile.json"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PlanSettings.profilerMode("json:"));
        assertTrue(
                e.getMessage().contains("-Dsquall.profiler=json:: expected console, silent or json:<file>"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PlanSettings.profilerMode("verbose"));
    }
}
