package dev.libdubbo.bench;

import com.alibaba.com.caucho.hessian.io.SerializerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes DIR/pojo.bin, DIR/pojo_list.bin and DIR/string_64k.bin: hessian-lite encodings of the values. */
public final class WriteInputs {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: WriteInputs DIR");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        SerializerFactory factory = new SerializerFactory();

        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("pojo", Values.pojo());
        inputs.put("pojo_list", Values.pojoList());
        inputs.put("string_64k", Values.string64k());

        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            byte[] bytes = Codec.encode(factory, e.getValue());
            check(factory, e.getKey(), e.getValue(), bytes);
            Files.write(dir.resolve(e.getKey() + ".bin"), bytes);
            System.out.printf("%s.bin: %d bytes%n", e.getKey(), bytes.length);
        }
    }

    /** Fails unless the bytes decode to the right type and re-encode to the same bytes. */
    private static void check(SerializerFactory factory, String name, Object value, byte[] bytes) throws Exception {
        Object decoded = Codec.decode(factory, bytes);
        Object sample = decoded instanceof List ? ((List<?>) decoded).get(0) : decoded;
        Object expected = value instanceof List ? ((List<?>) value).get(0) : value;
        if (sample.getClass() != expected.getClass()) {
            throw new IllegalStateException(name + ": decoded as " + sample.getClass());
        }
        if (!Arrays.equals(bytes, Codec.encode(factory, decoded))) {
            throw new IllegalStateException(name + ": re-encoding differs");
        }
        if (name.equals("pojo") && (bytes.length < 1000 || bytes.length > 1100)) {
            throw new IllegalStateException("pojo: " + bytes.length + " bytes, want 1000..1100");
        }
        if (name.equals("string_64k") && ((String) value).length() != 65536) {
            throw new IllegalStateException("string_64k: wrong length");
        }
    }
}
