package dev.libdubbo.peer;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cases} lists the case names; {@code write DIR} writes DIR/<case>.bin with
 * hessian-lite; {@code check DIR} decodes DIR/<case>.bin (written by libdubbo) with
 * hessian-lite and checks each against the Java value it stands for.
 */
public final class Main {
    /** One factory for every stream, as Dubbo keeps one. */
    private static final SerializerFactory FACTORY = new SerializerFactory();

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("cases")) {
            Cases.all().forEach(c -> System.out.println(c.name()));
        } else if (args.length == 2 && args[0].equals("write")) {
            write(Path.of(args[1]));
        } else if (args.length == 2 && args[0].equals("check")) {
            System.exit(check(Path.of(args[1])) ? 0 : 1);
        } else {
            System.err.println("usage: cases | write DIR | check DIR");
            System.exit(2);
        }
    }

    private static void write(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (Case c : Cases.all()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Hessian2Output out = new Hessian2Output(bytes);
            out.setSerializerFactory(FACTORY);
            for (Object v : c.values().get()) {
                out.writeObject(v);
            }
            out.flush();
            Files.write(dir.resolve(c.name() + ".bin"), bytes.toByteArray());
        }
        System.out.println("java wrote " + Cases.all().size() + " cases to " + dir);
    }

    private static boolean check(Path dir) {
        int passed = 0, failed = 0;
        for (Case c : Cases.all()) {
            String verdict;
            List<Object> decoded = new ArrayList<>();
            try {
                Hessian2Input in = new Hessian2Input(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(c.name() + ".bin"))));
                in.setSerializerFactory(FACTORY);
                for (int i = 0; i < c.values().get().size(); i++) {
                    decoded.add(in.readObject());
                }
                // read() gives the next byte, or -1 once the file is all consumed (isEnd() would also accept a 'Z').
                verdict = in.read() < 0 ? c.check().apply(decoded) : "bytes left after the values";
            } catch (Exception | AssertionError e) {
                verdict = e.toString();
            }
            if (verdict == null) {
                passed++;
                System.out.printf("ok   %-20s java read %s%n", c.name(), Checks.show(decoded.get(0)));
            } else {
                failed++;
                System.out.printf("FAIL %-20s %s%n", c.name(), verdict);
            }
        }
        System.out.println("hessian-lite: " + passed + " passed, " + failed + " failed");
        return failed == 0;
    }
}
