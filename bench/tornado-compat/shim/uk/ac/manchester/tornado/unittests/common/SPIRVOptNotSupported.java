package uk.ac.manchester.tornado.unittests.common;

/** Shim: thrown by a test that declares itself not applicable to the backend under test. */
public class SPIRVOptNotSupported extends RuntimeException {
    public SPIRVOptNotSupported(String message) {
        super(message);
    }
}
