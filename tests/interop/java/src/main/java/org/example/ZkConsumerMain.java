package org.example;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * {@code zk-consumer zookeeper://127.0.0.1:P [version] [group]}: refers Greeter through the
 * ZooKeeper registry (interface level, no direct URL), waits up to 30 s for a provider to be
 * listed, then prints {@code ok <label>} / {@code FAIL <label>: why} per check and
 * {@code java-zk-consumer: N passed, M failed}; exit code 1 on any failure.
 */
final class ZkConsumerMain {
    private ZkConsumerMain() {}

    static int run(String registry, String version, String group) throws InterruptedException {
        // Interface-level discovery only: no waiting on application-level instances.
        PeerMain.defaultProperty("dubbo.application.migration.step", "FORCE_INTERFACE");
        ApplicationConfig app = new ApplicationConfig("java-peer-zk-consumer");
        app.setQosEnable(false);
        app.setLogger("slf4j");
        app.setRegisterConsumer(false);
        app.setRegisterMode("interface");

        ReferenceConfig<Greeter> ref = new ReferenceConfig<>();
        ref.setInterface(Greeter.class);
        ref.setTimeout(3000);
        ref.setRetries(0);
        ref.setCheck(false);
        if (version != null) {
            ref.setVersion(version);
        }
        if (group != null) {
            ref.setGroup(group);
        }
        DubboBootstrap.getInstance().application(app).registry(new RegistryConfig(registry)).reference(ref).start();
        Greeter greeter = ref.get();

        int passed = 0;
        int failed = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        String hello = null;
        Exception last = null;
        while (hello == null && System.currentTimeMillis() < deadline) {
            try {
                hello = greeter.sayHello("zk");
            } catch (Exception e) {
                last = e;
                Thread.sleep(200);
            }
        }
        if ("Hello zk".equals(hello)) {
            System.out.println("ok sayHello#discovered");
            passed++;
        } else {
            System.out.println("FAIL sayHello#discovered: " + (hello != null ? hello : String.valueOf(last)));
            failed++;
        }
        try {
            int sum = greeter.add(2, 3);
            if (sum == 5) {
                System.out.println("ok add");
                passed++;
            } else {
                System.out.println("FAIL add: " + sum);
                failed++;
            }
        } catch (Exception e) {
            System.out.println("FAIL add: " + e);
            failed++;
        }
        System.out.println("java-zk-consumer: " + passed + " passed, " + failed + " failed");
        DubboBootstrap.getInstance().stop();
        return failed == 0 && passed > 0 ? 0 : 1;
    }
}
