package org.example;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of target/dubbo-peer.jar:
 * <pre>
 *   java -jar dubbo-peer.jar provider PORT [version] [group]
 *   java -jar dubbo-peer.jar consumer dubbo://127.0.0.1:PORT [version] [group]
 *   java -jar dubbo-peer.jar generic  dubbo://127.0.0.1:PORT [version] [group]
 *   java -jar dubbo-peer.jar bench    dubbo://127.0.0.1:PORT string100|pojo1k INFLIGHT SECONDS
 *   java -jar dubbo-peer.jar hash     N HASH_ARGUMENTS KEY...
 *   java -jar dubbo-peer.jar zk-consumer zookeeper://127.0.0.1:PORT [version] [group]
 * </pre>
 * {@code -Dpeer.registry=zookeeper://127.0.0.1:PORT} makes the provider register there.
 * Dubbo logs at WARN to stderr by default ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info}
 * for more); stdout carries only the peer's own lines.
 */
public final class PeerMain {
    private PeerMain() {}

    public static void main(String[] args) throws Exception {
        quietDefaults();
        if (args.length < 2) {
            usage();
        }
        System.err.println("dubbo-peer: " + args[0] + " " + args[1] + " on Dubbo "
                + org.apache.dubbo.common.Version.getVersion() + ", Java " + System.getProperty("java.version"));
        String version = optional(args, 2);
        String group = optional(args, 3);
        switch (args[0]) {
            case "provider":
                ProviderMain.run(Integer.parseInt(args[1]), version, group);
                break;
            case "consumer":
                System.exit(ConsumerMain.run(args[1], version, group));
                break;
            case "generic":
                System.exit(GenericMain.run(args[1], version, group));
                break;
            case "bench":
                if (args.length != 5) {
                    usage();
                }
                System.exit(BenchMain.run(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4])));
                break;
            case "zk-consumer":
                System.exit(ZkConsumerMain.run(args[1], version, group));
                break;
            case "hash":
                if (args.length < 4) {
                    usage();
                }
                System.exit(HashMain.run(args));
                break;
            default:
                usage();
        }
    }

    /** A positional argument; absent, empty and "-" mean "not set". */
    static String optional(String[] args, int i) {
        if (args.length <= i || args[i].isEmpty() || args[i].equals("-")) {
            return null;
        }
        return args[i];
    }

    private static void usage() {
        System.err.println("usage: java -jar dubbo-peer.jar provider PORT [version] [group]\n"
                + "       java -jar dubbo-peer.jar consumer dubbo://127.0.0.1:PORT [version] [group]\n"
                + "       java -jar dubbo-peer.jar generic  dubbo://127.0.0.1:PORT [version] [group]\n"
                + "       java -jar dubbo-peer.jar bench    dubbo://127.0.0.1:PORT string100|pojo1k INFLIGHT SECONDS\n"
                + "       java -jar dubbo-peer.jar hash     N HASH_ARGUMENTS KEY...\n"
                + "       java -jar dubbo-peer.jar zk-consumer zookeeper://127.0.0.1:PORT [version] [group]");
        System.exit(2);
    }

    /** Sets a system property unless the command line already did. */
    static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static void quietDefaults() {
        // slf4j-simple: WARN and above, to stderr, with the thread name off and a short logger name.
        defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        defaultProperty("org.slf4j.simpleLogger.logFile", "System.err");
        defaultProperty("org.slf4j.simpleLogger.showThreadName", "false");
        defaultProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // Harmless shutdown noise ("safe guard client , should not be called ,must have a bug").
        defaultProperty("org.slf4j.simpleLogger.log.org.apache.dubbo.rpc.protocol.dubbo.ReferenceCountExchangeClient",
                "error");
        // 3.2 warns at every start that there is no metadata report (we use none on purpose).
        defaultProperty("org.slf4j.simpleLogger.log.org.apache.dubbo.registry.client.metadata.MetadataUtils", "error");
        // Dubbo's own logger adapter: use slf4j (otherwise it may pick another framework).
        defaultProperty("dubbo.application.logger", "slf4j");
        // Do not wait long for in-flight calls when killed (the default is 10 s).
        defaultProperty("dubbo.service.shutdown.wait", "2000");
        // stdout lines are parsed by scripts: make them UTF-8 and line-flushed.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
    }
}
