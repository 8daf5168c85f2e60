package io.squall.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a client closed its end of a TCP connection, read from Linux's socket tables (/proc/net/tcp, /proc/net/tcp6).
 * Helidon 4 gives a handler no way to see this while it waits: nothing reads the connection between a request's body
 * and its response, and its socket's idle monitor ({@code HelidonSocket.idle()}) gives up after one 101 ms read when
 * SO_TIMEOUT is 0 (as it is for accepted sockets), failing the connection's next read. The kernel knows, though: once
 * the client's FIN or RST arrives, the server's end of the connection is in CLOSE_WAIT or CLOSE.
 */
final class TcpPeerState {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String CLOSE = "07";
    private static final String CLOSE_WAIT = "08";
    private static final byte[] V4_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private TcpPeerState() {}

    /** Whether this machine has the socket tables (Linux); elsewhere {@link #closedByPeer} always answers false. */
    static boolean supported() {
        return Files.isReadable(TABLES.getFirst());
    }

    /**
     * True when the connection between {@code local} and {@code remote} is one whose peer has closed it (CLOSE_WAIT or
     * CLOSE); false while it is open, or when it is not in the tables (e.g. the tables are absent).
     */
    static boolean closedByPeer(InetSocketAddress local, InetSocketAddress remote) {
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | UncheckedIOException e) {
                continue; // unreadable now: no answer, so the generation goes on
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length < 4
                        || port(f[1]) != local.getPort()
                        || port(f[2]) != remote.getPort()
                        || !remote.getAddress().equals(address(f[2]))) {
                    continue;
                }
                return f[3].equals(CLOSE_WAIT) || f[3].equals(CLOSE);
            }
        }
        return false;
    }

    /** The port of a table entry "ADDRESS:PORT" (hex). */
    private static int port(String entry) {
        return Integer.parseInt(entry.substring(entry.indexOf(':') + 1), 16);
    }

    /** The address of a table entry: 32-bit words in hex, each in the machine's byte order; IPv4-mapped IPv6 as IPv4. */
    private static InetAddress address(String entry) {
        String hex = entry.substring(0, entry.indexOf(':'));
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < hex.length(); i += 8) {
            bytes.putInt(Integer.parseUnsignedInt(hex.substring(i, i + 8), 16));
        }
        byte[] a = bytes.array();
        if (a.length == 16 && Arrays.equals(a, 0, 12, V4_MAPPED, 0, 12)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a socket table address of " + a.length + " bytes: " + entry, e);
        }
    }
}
