package io.squall.exec.device;

/** Memory on a device holding one object's bytes. Closing frees it. */
public interface DeviceBuffer extends AutoCloseable {
    long size();

    @Override
    void close();
}
