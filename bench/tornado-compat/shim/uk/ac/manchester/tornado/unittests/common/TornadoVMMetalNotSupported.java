package uk.ac.manchester.tornado.unittests.common;

/** Shim: thrown by a test that declares itself not applicable to the backend under test. */
public class TornadoVMMetalNotSupported extends RuntimeException {
    public TornadoVMMetalNotSupported(String message) {
        super(message);
    }
}
