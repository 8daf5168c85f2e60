package io.squall.model.gguf;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * I/O errors worded for the user: the JDK's {@code NoSuchFileException} says only a path, and a read of a directory
 * only "Is a directory". These name the file and what is wrong with it.
 */
public final class FileErrors {
    private FileErrors() {}

    /** What is wrong, without the path: "no such file", "permission denied", "Is a directory", ... */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            return switch (f) {
                case NoSuchFileException x -> "no such file";
                case AccessDeniedException x -> "permission denied";
                case FileAlreadyExistsException x -> "already exists";
                case NotDirectoryException x -> "not a directory";
                case DirectoryNotEmptyException x -> "directory not empty";
                default -> f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            };
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** "{@code file}: {@code doing} failed: reason", keeping the original as the cause. */
    public static IOException naming(Path file, String doing, IOException e) {
        return new IOException(file + ": " + doing + " failed: " + reason(e), e);
    }
}
