package io.squall.exec;

import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;
import io.squall.plan.RuntimeOptions;

import java.util.HashMap;
import java.util.Map;

/**
 * Which device runs each task, first match wins: the plan's {@code withDevice("graph.task", ...)}, the
 * {@code -Dgraph.task.device} property, the plan's {@code withDevice(...)}, the default device.
 */
final class TaskDevices {
    private ComputeDevice planDevice;
    private final Map<String, ComputeDevice> taskDevices = new HashMap<>();

    void plan(ComputeDevice device) {
        this.planDevice = device;
    }

    void task(String graphDotTask, ComputeDevice device) {
        taskDevices.put(graphDotTask, device);
    }

    ComputeDevice deviceFor(String graphDotTask) {
        ComputeDevice d = taskDevices.get(graphDotTask);
        if (d != null) {
            return d;
        }
        String prop = RuntimeOptions.taskDevice(graphDotTask);
        if (prop != null) {
            return Devices.get(prop, "-D" + graphDotTask + RuntimeOptions.TASK_DEVICE_SUFFIX);
        }
        return planDevice != null ? planDevice : Devices.defaultDevice();
    }
}
