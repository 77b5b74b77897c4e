package org.example;

import java.util.concurrent.CountDownLatch;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * Exports {@link GreeterImpl} on dubbo://127.0.0.1:PORT with no registry, hessian2 only (by default),
 * prints {@code READY <port>} and serves until killed.
 */
final class ProviderMain {
    private ProviderMain() {}

    static void run(int port, String version, String group) throws InterruptedException {
        // Bind the loopback address only. Dubbo treats a configured 127.x host as "not a real
        // host" and would otherwise bind 0.0.0.0; DUBBO_IP_TO_BIND is the override it honours.
        PeerMain.defaultProperty("DUBBO_IP_TO_BIND", "::ffff:127.0.0.1");

        ApplicationConfig app = new ApplicationConfig("java-peer-provider");
        app.setQosEnable(false);
        app.setLogger("slf4j");
        // -Dpeer.registry=zookeeper://127.0.0.1:P registers through ZooKeeper (interface level unless
        // peer.registerMode says otherwise),
        // at the loopback address the bind trick above makes reachable.
        String registry = System.getProperty("peer.registry", RegistryConfig.NO_AVAILABLE);
        if (!registry.equals(RegistryConfig.NO_AVAILABLE)) {
            // -Dpeer.registerMode=all|instance registers at the application level too (Java's
            // default is all); -Dpeer.metadataType=remote writes MetadataInfo to ZooKeeper instead
            // of serving it from MetadataService (Java's default, local).
            app.setRegisterMode(System.getProperty("peer.registerMode", "interface"));
            String metadataType = System.getProperty("peer.metadataType");
            if (metadataType != null) {
                app.setMetadataType(metadataType);
            }
            PeerMain.defaultProperty("DUBBO_IP_TO_REGISTRY", "::ffff:127.0.0.1");
        }

        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost("127.0.0.1");
        // 3.2 defaults to prefer "fastjson2,hessian2"; pin hessian2 so Java consumers send hessian2.
        // -Dpeer.preferSerialization=default keeps Dubbo's defaults (a 3.2 provider then sends its
        // error strings and readonly events as fastjson2, id 23).
        String serialization = System.getProperty("peer.preferSerialization", "hessian2");
        if (!serialization.equals("default")) {
            protocol.setSerialization(serialization);
            protocol.setPreferSerialization(serialization);
        }

        ServiceConfig<Greeter> service = new ServiceConfig<>();
        service.setInterface(Greeter.class);
        service.setRef(new GreeterImpl());
        if (version != null) {
            service.setVersion(version);
        }
        if (group != null) {
            service.setGroup(group);
        }

        DubboBootstrap.getInstance()
                .application(app)
                .registry(new RegistryConfig(registry))
                .protocol(protocol)
                .service(service)
                .start();

        System.out.println("READY " + port);
        new CountDownLatch(1).await();
    }
}
