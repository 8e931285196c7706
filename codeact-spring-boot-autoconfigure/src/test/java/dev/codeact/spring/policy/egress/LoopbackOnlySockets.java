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
 * Sockets that record every address the policy connects to and refuse, with an AssertionError, anything but
 * loopback: the tests never reach a real host, and can show that a refused request never connected.
 */
final class LoopbackOnlySockets extends SocketFactory {
    final List<InetSocketAddress> connects = new CopyOnWriteArrayList<>();

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                InetSocketAddress target = (InetSocketAddress) endpoint;
                connects.add(target);
                if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
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
