package dev.codeact.spring.policy.egress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.SocketFactory;

/**
 * Sockets that record every address the policy connects to and refuse anything but loopback: the tests never reach
 * a real host, and can show that a refused request never connected. The refusal is an AssertionError (a test that
 * must never get that far), or, for tests that do connect elsewhere on purpose, a ConnectException, as a closed
 * port would give, without a packet sent.
 */
final class LoopbackOnlySockets extends SocketFactory {
    final List<InetSocketAddress> connects = new CopyOnWriteArrayList<>();
    private final boolean refuseAsUnreachable;

    LoopbackOnlySockets() {
        this(false);
    }

    LoopbackOnlySockets(boolean refuseAsUnreachable) {
        this.refuseAsUnreachable = refuseAsUnreachable;
    }

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                InetSocketAddress target = (InetSocketAddress) endpoint;
                connects.add(target);
                if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
                    if (refuseAsUnreachable) {
                        throw new java.net.ConnectException("the test refuses " + target + " without a packet sent");
                    }
                    throw new AssertionError("the test guard refused a connection to " + target);
                }
                super.connect(endpoint, timeout);
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException("the policy must connect to a checked address");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException("the policy must connect to a checked address");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException("the policy must connect through createSocket() and connect");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException("the policy must connect through createSocket() and connect");
    }
}
