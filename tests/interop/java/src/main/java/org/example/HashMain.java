package org.example;

import java.util.ArrayList;
import java.util.List;

import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.loadbalance.ConsistentHashLoadBalance;

/**
 * {@code hash N [hash.arguments] KEY...}: prints which of N providers
 * ({@code 127.0.0.1:20881} .. {@code 127.0.0.1:20880+N}) Java's ConsistentHashLoadBalance
 * picks for {@code sayHello(KEY, i)}, one line {@code HASH <i> <host:port>} per key, so that
 * libdubbo's test can compare its own picks. A KEY of the form {@code int:N} is passed as an
 * Integer. The second call argument is the key's index (an Integer).
 */
final class HashMain {
    private HashMain() {}

    static int run(String[] args) {
        int n = Integer.parseInt(args[1]);
        String hashArguments = args[2];
        List<Invoker<Greeter>> invokers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String url = "dubbo://127.0.0.1:" + (20880 + i) + "/org.example.Greeter?interface=org.example.Greeter"
                    + "&hash.arguments=" + hashArguments;
            invokers.add(new FakeInvoker(URL.valueOf(url)));
        }
        ConsistentHashLoadBalance balancer = new ConsistentHashLoadBalance();
        for (int k = 3; k < args.length; k++) {
            Object key = args[k].startsWith("int:") ? (Object) Integer.valueOf(args[k].substring(4)) : args[k];
            RpcInvocation invocation = new RpcInvocation();
            invocation.setMethodName("sayHello");
            invocation.setParameterTypes(new Class<?>[] {Object.class, Integer.class});
            invocation.setArguments(new Object[] {key, Integer.valueOf(k - 3)});
            Invoker<Greeter> chosen = balancer.select(invokers, invokers.get(0).getUrl(), invocation);
            System.out.println("HASH " + (k - 3) + " " + chosen.getUrl().getAddress());
        }
        return 0;
    }

    /** A provider that is only a URL. */
    private static final class FakeInvoker implements Invoker<Greeter> {
        private final URL url;

        FakeInvoker(URL url) {
            this.url = url;
        }

        @Override
        public Class<Greeter> getInterface() {
            return Greeter.class;
        }

        @Override
        public Result invoke(Invocation invocation) {
            throw new UnsupportedOperationException("a fake");
        }

        @Override
        public URL getUrl() {
            return url;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public void destroy() {}
    }
}
