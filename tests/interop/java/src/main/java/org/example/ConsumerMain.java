package org.example;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MethodConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.service.EchoService;
import org.apache.dubbo.rpc.service.GenericService;

/**
 * Calls every Greeter method once (some twice, labelled {@code method#variant}) on a direct
 * URL and checks the answers against {@link GreeterImpl}'s documented behaviour.
 */
final class ConsumerMain {
    private ConsumerMain() {}

    /** Every call is bounded by this; the whole run by {@link #RUN_LIMIT_SECONDS}. */
    static final int TIMEOUT_MS = 3000;
    static final long RUN_LIMIT_SECONDS = 120;

    /** A direct reference of {@code type} to {@code url}: no registry, hessian2, 3 s, no retries. */
    static <T> ReferenceConfig<T> reference(String url, String version, String group) {
        ReferenceConfig<T> ref = new ReferenceConfig<>();
        ref.setUrl(loopbackAsMapped(url));
        ref.setTimeout(TIMEOUT_MS);
        ref.setRetries(0);
        ref.setCheck(false);
        if (version != null) {
            ref.setVersion(version);
        }
        if (group != null) {
            ref.setGroup(group);
        }
        // The serialization to send: a direct URL carries no provider preference, so this decides.
        // -Dpeer.serialization= (empty) leaves it to Dubbo's own default.
        String serialization = System.getProperty("peer.serialization", "hessian2");
        if (!serialization.isEmpty()) {
            Map<String, String> params = new HashMap<>();
            params.put("serialization", serialization);
            params.put("prefer.serialization", serialization);
            ref.setParameters(params);
        }
        return ref;
    }

    /**
     * Dubbo's client replaces a 127.x or "localhost" host with the machine's first non-loopback
     * address before it connects (NetUtils.filterLocalHost in AbstractClient.getConnectAddress),
     * so dubbo://127.0.0.1:P would reach a loopback-only server through e.g. 192.168.x.y:P and
     * be refused. The IPv4-mapped IPv6 literal [::ffff:127.0.0.1] is not treated that way and
     * Java connects it over IPv4 to 127.0.0.1 itself. Set -Dpeer.rewriteLoopback=false to see
     * Dubbo's own behaviour.
     */
    static String loopbackAsMapped(String url) {
        if (!Boolean.parseBoolean(System.getProperty("peer.rewriteLoopback", "true"))) {
            return url;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^([a-z0-9]+://)(localhost|127\\.\\d+\\.\\d+\\.\\d+)(:\\d+.*)?$")
                .matcher(url);
        if (!m.matches()) {
            return url;
        }
        String ip = m.group(2).equals("localhost") ? "127.0.0.1" : m.group(2);
        return m.group(1) + "[::ffff:" + ip + "]" + (m.group(3) == null ? "" : m.group(3));
    }

    /** Starts one bootstrap with all the references (Dubbo refers them at start). */
    static void start(String appName, ReferenceConfig<?>... refs) {
        ApplicationConfig app = new ApplicationConfig(appName);
        app.setQosEnable(false);
        app.setLogger("slf4j");
        // A consumer-only application need not export a MetadataService (3.2 does by default,
        // on a random dubbo port bound to all interfaces).
        app.setRegisterConsumer(false);
        DubboBootstrap bootstrap = DubboBootstrap.getInstance()
                .application(app)
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE));
        for (ReferenceConfig<?> ref : refs) {
            bootstrap.reference(ref);
        }
        bootstrap.start();
    }

    /** {@code usual} unless that is what was passed: a version/group the provider lacks. */
    static String other(String passed, String usual) {
        return usual.equals(passed) ? usual + "-x" : usual;
    }

    static int run(String url, String version, String group) {
        Checks c = new Checks("java-consumer");
        c.watchdog(RUN_LIMIT_SECONDS);
        ReferenceConfig<Greeter> ref = reference(url, version, group);
        ref.setInterface(Greeter.class);
        MethodConfig oneway = new MethodConfig();
        oneway.setName("remember");
        oneway.setReturn(false); // a oneway request: no reply expected
        ref.setMethods(List.of(oneway));
        // Targets the provider does not have; only the main reference takes version/group as passed.
        ReferenceConfig<Greeter> badVersion = reference(url, other(version, "9.9.9"), group);
        badVersion.setInterface(Greeter.class);
        ReferenceConfig<Greeter> badGroup = reference(url, version, other(group, "no-such-group"));
        badGroup.setInterface(Greeter.class);
        ReferenceConfig<GenericService> badService = reference(url, version, group);
        badService.setInterface("org.example.Missing");
        badService.setGeneric("true");
        ReferenceConfig<GenericService> generic = reference(url, version, group);
        generic.setInterface(Greeter.class.getName());
        generic.setGeneric("true");
        start("java-peer-consumer", ref, badVersion, badGroup, badService, generic);
        Greeter g = ref.get();

        // strings
        c.eq("sayHello", "Hello world", () -> g.sayHello("world"));
        String unicode = "héllo wörld ✓ 你好 \uD83D\uDE00"; // includes a supplementary character
        c.eq("sayHello#unicode", "Hello " + unicode, () -> g.sayHello(unicode));
        String big = "x".repeat(70_000) + "\uD83D\uDE00" + "y".repeat(100); // > one 0x8000 chunk
        c.eq("sayHello#chunked", "Hello " + big, () -> g.sayHello(big));

        // numbers and booleans
        c.eq("add", 5, () -> g.add(2, 3));
        c.eq("add#negative", -1_000_000, () -> g.add(-1_000_500, 500));
        c.eq("addBoxed", 300_000, () -> g.addBoxed(100_000, 200_000));
        c.eq("addBoxed#null", null, () -> g.addBoxed(null, 1));
        c.eq("echoLong", Long.MAX_VALUE, () -> g.echoLong(Long.MAX_VALUE));
        c.eq("echoLong#small", -7L, () -> g.echoLong(-7L));
        c.eq("echoDouble", 3.141592653589793, () -> g.echoDouble(3.141592653589793));
        c.eq("echoDouble#mills", 12.345, () -> g.echoDouble(12.345));
        c.eq("echoFloat", 1.5f, () -> g.echoFloat(1.5f));
        c.eq("echoFloat#decimal", 0.1f, () -> g.echoFloat(0.1f));
        c.eq("echoBool", true, () -> g.echoBool(true));
        c.eq("echoBool#false", false, () -> g.echoBool(false));

        // binary and arrays
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        c.eq("echoBytes", allBytes, () -> g.echoBytes(allBytes));
        byte[] bigBytes = new byte[20_000]; // chunked binary
        for (int i = 0; i < bigBytes.length; i++) {
            bigBytes[i] = (byte) (i * 31);
        }
        c.eq("echoBytes#chunked", bigBytes, () -> g.echoBytes(bigBytes));
        int[] ints = {1, -2, 300_000, Integer.MIN_VALUE, Integer.MAX_VALUE};
        c.eq("echoInts", ints, () -> g.echoInts(ints));
        String[] strings = {"a", "", "ünï", null};
        c.eq("echoStrings", strings, () -> g.echoStrings(strings));

        // collections
        List<String> list = new ArrayList<>(Arrays.asList("a", "b", "c"));
        c.eq("echoList", list, () -> g.echoList(list));
        Map<String, Object> map = new HashMap<>();
        map.put("s", "str");
        map.put("i", 7);
        map.put("l", 5L);
        map.put("big", 1L << 40);
        map.put("d", 2.5);
        map.put("b", true);
        map.put("nil", null);
        map.put("list", new ArrayList<>(Arrays.asList("x", "y")));
        Map<String, Object> inner = new HashMap<>();
        inner.put("k", "v");
        map.put("map", inner);
        c.eq("echoMap", map, () -> g.echoMap(map));
        HashSet<String> set = new HashSet<>(Arrays.asList("x", "y", "z"));
        c.eq("echoSet", set, () -> g.echoSet(set));

        // objects
        User bob = new User("Bob", 14);
        c.eq("echoUser", bob, () -> g.echoUser(bob));
        User alice = new User("Alice", 30);
        List<User> users = new ArrayList<>(Arrays.asList(alice, bob, alice)); // alice twice: a ref
        c.eq("echoUsers", users, () -> g.echoUsers(users));
        Node a = new Node("a");
        Node b = new Node("b");
        a.setNext(b);
        b.setNext(a);
        c.that("echoNode", () -> g.echoNode(a), v -> {
            Node r = (Node) v;
            if (r == null || r.getNext() == null) {
                return "got " + r;
            }
            if (!"a".equals(r.getName()) || !"b".equals(r.getNext().getName())) {
                return "names " + r.getName() + "," + r.getNext().getName();
            }
            return r.getNext().getNext() == r ? null : "a.next.next is not a (cycle lost)";
        });
        Node self = new Node("self");
        self.setNext(self);
        c.that("echoNode#self", () -> g.echoNode(self), v -> {
            Node r = (Node) v;
            return r != null && "self".equals(r.getName()) && r.getNext() == r ? null : "got " + r;
        });
        c.eq("wrap", new Response<>(200, "ok", bob), () -> g.wrap(bob));
        c.eq("echoEnum", Color.GREEN, () -> g.echoEnum(Color.GREEN));

        // decimal and time
        BigDecimal dec = new BigDecimal("-12345.678900");
        c.eq("echoDecimal", dec, () -> g.echoDecimal(dec));
        LocalDateTime t = LocalDateTime.of(2024, 2, 29, 13, 45, 30, 123_456_789);
        c.eq("echoTime", t, () -> g.echoTime(t));
        LocalDate d = LocalDate.of(2024, 2, 29);
        c.eq("echoDate", d, () -> g.echoDate(d));
        Date ms = new Date(1_700_000_000_123L);
        c.eq("echoUtilDate", ms, () -> g.echoUtilDate(ms));
        Date minute = new Date(1_700_000_040_000L); // whole minutes: the compact date form
        c.eq("echoUtilDate#minute", minute, () -> g.echoUtilDate(minute));

        // overloads, void, null
        c.eq("overloaded(String)", "string:x", () -> g.overloaded("x"));
        c.eq("overloaded(int)", "int:7", () -> g.overloaded(7));
        c.eq("doNothing", null, () -> {
            g.doNothing();
            return null;
        });
        c.eq("returnNull", null, g::returnNull);

        // exceptions
        c.throwsThat("fail", () -> {
            g.fail("boom");
            return null;
        }, e -> {
            if (!(e instanceof GreeterException)) {
                return "threw " + Checks.oneLine((Throwable) e);
            }
            GreeterException ge = (GreeterException) e;
            if (!"boom".equals(ge.getMessage())) {
                return "message " + ge.getMessage();
            }
            return ge.getCode() == 42 ? null : "code " + ge.getCode() + " instead of 42";
        });
        c.throwsThat("failRuntime", () -> {
            g.failRuntime("bad state");
            return null;
        }, e -> {
            Throwable x = (Throwable) e;
            // A Java provider passes IllegalStateException through; any RuntimeException (not an
            // RpcException, i.e. a transport/framework error) carrying the message is accepted.
            if (!(x instanceof RuntimeException) || x instanceof RpcException) {
                return "threw " + Checks.oneLine(x);
            }
            return Objects.toString(x.getMessage(), "").contains("bad state") ? null
                    : "message " + x.getMessage();
        });

        // timeouts
        c.eq("slow", "slept", () -> g.slow(50));
        c.throwsThat("slow#timeout", () -> g.slow(TIMEOUT_MS + 1500), e -> {
            if (e instanceof RpcException && ((RpcException) e).isTimeout()) {
                return null;
            }
            return "threw " + Checks.oneLine((Throwable) e) + " instead of a timeout";
        });

        // attachments
        c.eq("attachment", "abc", () -> {
            RpcContext.getClientAttachment().setAttachment("trace-id", "abc");
            return g.attachment("trace-id");
        });
        c.eq("attachment#absent", null, () -> g.attachment("no-such-key"));

        // Dubbo's built-in liveness probe, answered by every provider of any interface
        c.eq("$echo", "ping", () -> ((EchoService) g).$echo("ping"));

        // the benchmark payloads
        c.eq("echoString", BenchMain.STRING100, () -> g.echoString(BenchMain.STRING100));
        c.eq("echoPayload", Payload.sample(), () -> g.echoPayload(Payload.sample()));

        // response attachments: the consumer's ConsumerContextFilter puts the reply's attachments
        // into the client response context (RpcContext.getServerContext() reads the same, 3.2 and 3.3)
        c.eq("echoResponseAttachment", "v1|v1", () -> {
            String v = g.echoResponseAttachment("resp-key", "v1");
            return v + "|" + RpcContext.getClientResponseContext().getAttachment("resp-key");
        });

        // oneway: the call returns at once; the stored value shows up shortly after
        c.eq("remember#oneway", "r-" + ProcessHandle.current().pid(), () -> {
            String v = "r-" + ProcessHandle.current().pid();
            g.remember(v);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            String got;
            while (!v.equals(got = g.recalled()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return got;
        });

        concurrent(c, g, 256);

        // unknown targets: the provider answers with an error status and a text, which Java
        // raises as RpcException code 1 (network), whatever the status. Java's texts (3.2 = 3.3):
        // an unknown service or version fails decoding (the provider looks up path:version to
        // read the argument types): status 40, "Fail to decode request due to: RpcInvocation
        // [...]"; a group is only checked later, at export lookup: status 70, "...Not found
        // exported service: ..."; an unknown method (generic call): status 70, "...No such method".
        Greeter gv = badVersion.get();
        c.throwsThat("unknown#version", () -> gv.sayHello("x"), e -> rejected(e, "Fail to decode request"));
        Greeter gg = badGroup.get();
        c.throwsThat("unknown#group", () -> gg.sayHello("x"), e -> rejected(e, "Not found exported service"));
        GenericService gs = badService.get();
        c.throwsThat("unknown#service", () -> gs.$invoke("anything", new String[0], new Object[0]),
                e -> rejected(e, "Fail to decode request"));
        GenericService gm = generic.get();
        c.throwsThat("unknown#method",
                () -> gm.$invoke("noSuchMethod", new String[] {"java.lang.String"}, new Object[] {"x"}),
                e -> rejected(e, "No such method noSuchMethod"));

        System.out.println(c.summary());
        return c.exitCode();
    }

    /** {@code n} calls add(i, 1) in flight at once (n threads released together) on the one connection. */
    static void concurrent(Checks c, Greeter g, int n) {
        c.that("concurrent#" + n, () -> {
            ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "peer-concurrent");
                t.setDaemon(true);
                return t;
            });
            try {
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int x = i;
                    answers.add(pool.submit(() -> {
                        gate.await();
                        return g.add(x, 1);
                    }));
                }
                gate.countDown();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2L * TIMEOUT_MS);
                for (int i = 0; i < n; i++) {
                    int got = answers.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (got != i + 1) {
                        return "add(" + i + ", 1) = " + got;
                    }
                }
                return null;
            } finally {
                pool.shutdownNow();
            }
        }, v -> (String) v);
    }

    /** An RpcException, not a timeout, whose message (or a cause's) contains {@code phrase}. */
    static String rejected(Object e, String phrase) {
        Throwable x = (Throwable) e;
        if (!(x instanceof RpcException) || ((RpcException) x).isTimeout()) {
            return "threw " + Checks.oneLine(x);
        }
        Throwable root = x;
        for (Throwable t = x; t != null; t = t.getCause()) {
            if (Objects.toString(t.getMessage(), "").contains(phrase)) {
                return null;
            }
            root = t;
        }
        // the innermost cause carries the provider's text
        return "no \"" + phrase + "\" in " + Checks.oneLine(root);
    }
}
