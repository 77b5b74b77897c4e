package dev.libdubbo.bench;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Hessian2 encode/decode the way Dubbo 3.3 does it: a fresh stream per message, one shared factory. */
public final class Codec {
    private Codec() {}

    /** Resets {@code bos}, writes {@code value} into it and returns the encoded size. */
    public static int encode(SerializerFactory factory, ByteArrayOutputStream bos, Object value) throws IOException {
        bos.reset();
        Hessian2Output out = new Hessian2Output(bos);
        out.setSerializerFactory(factory);
        out.writeObject(value);
        out.flush();
        return bos.size();
    }

    public static byte[] encode(SerializerFactory factory, Object value) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        encode(factory, bos, value);
        return bos.toByteArray();
    }

    public static Object decode(SerializerFactory factory, byte[] bytes) throws IOException {
        Hessian2Input in = new Hessian2Input(new ByteArrayInputStream(bytes));
        in.setSerializerFactory(factory);
        return in.readObject();
    }
}
