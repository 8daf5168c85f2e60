package uk.ac.manchester.tornado.unittests.common;

/** Shim: thrown by a test that declares itself not applicable to the backend under test. */
public class TornadoVMMultiDeviceNotSupported extends RuntimeException {
    public TornadoVMMultiDeviceNotSupported(String message) {
        super(message);
    }
}
