package io.squall.backend;

/** Memory on a device holding one object's bytes. Closing frees it. */
public interface DeviceBuffer extends AutoCloseable {
    long size();

    @Override
    void close();
}
