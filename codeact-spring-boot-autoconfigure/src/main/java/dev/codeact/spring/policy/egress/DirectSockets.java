package dev.codeact.spring.policy.egress;

import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import javax.net.SocketFactory;

/** Plain sockets that never go through a proxy: the connection goes to the checked address itself. */
final class DirectSockets extends SocketFactory {
    @Override
    public Socket createSocket() {
        return new Socket(Proxy.NO_PROXY);
    }

    @Override
    public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException("egress connects only to checked addresses");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException("egress connects only to checked addresses");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException("egress connects through createSocket() and connect");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException("egress connects through createSocket() and connect");
    }
}
