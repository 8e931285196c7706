package dev.codeact.spring.policy.egress;

import dev.codeact.hyperlight.HostFunctionException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The resolver HttpClient gets for one hop. The first question looks the hop's host up and checks every
 * address against the hop's rules; every later one is answered with exactly those addresses, so HttpClient
 * connects where the check looked and the name is looked up once. It knows no other name.
 */
final class PinnedResolver implements DnsResolver {
    /** Name lookups, off the caller's thread so that its wait can end at its deadline (see lookUp). */
    private static final ThreadPoolExecutor LOOKUPS = lookups();

    private final EgressPolicy.Resolver resolver;
    private final FetchTarget target;
    private final List<EgressRule> matching;
    private final FetchTarget from;
    private final FetchClock clock;
    private InetAddress[] pinned;

    PinnedResolver(EgressPolicy.Resolver resolver, FetchTarget target, List<EgressRule> matching, FetchTarget from,
            FetchClock clock) {
        this.resolver = resolver;
        this.target = target;
        this.matching = matching;
        this.from = from;
        this.clock = clock;
    }

    /** Looks the host up and checks it the first time; the same addresses every time. */
    synchronized InetAddress[] pin() {
        if (pinned == null) {
            pinned = resolveAndCheck();
        }
        return pinned.clone();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        if (!host.equals(target.host())) {
            throw new UnknownHostException("fetch resolves only the checked host " + target.host());
        }
        return pin();
    }

    /** Asked only by Kerberos authentication, which fetch never does: not a lookup. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    /** Resolves the host and checks every address; fails with the denial when one may not be reached. */
    private InetAddress[] resolveAndCheck() {
        String host = target.host();
        EgressRules.checkName(host, from);
        InetAddress literal = SpecialAddresses.literal(host);
        InetAddress[] resolved = literal != null ? new InetAddress[] {literal} : lookUp();
        EgressRules.checkAddresses(host, literal != null, resolved, matching, from);
        return resolved;
    }

    /**
     * The JDK resolver cannot be interrupted, so the lookup runs on a helper thread and the call stops waiting
     * when its time runs out; the lookup itself goes on until the resolver's own timeout, its answer unused.
     */
    private InetAddress[] lookUp() {
        String host = target.host();
        Future<InetAddress[]> lookup = LOOKUPS.submit(() -> resolver.resolve(host));
        InetAddress[] resolved;
        try {
            resolved = lookup.get(clock.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw clock.ranOut(target);
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new HostFunctionException("fetch interrupted: " + target.url());
        } catch (ExecutionException e) {
            throw new HostFunctionException("fetch failed: cannot resolve " + host + EgressRules.redirectNote(from));
        }
        if (resolved == null || resolved.length == 0) {
            throw new HostFunctionException("fetch failed: cannot resolve " + host + EgressRules.redirectNote(from));
        }
        return resolved;
    }

    private static ThreadPoolExecutor lookups() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "codeact-fetch-dns");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
