package uk.ac.manchester.tornado.unittests.common;

/** Shim: thrown by a test that declares itself not applicable to the backend under test. */
public class TornadoVMOpenCLNotSupported extends RuntimeException {
    public TornadoVMOpenCLNotSupported(String message) {
        super(message);
    }
}
