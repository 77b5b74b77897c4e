package dev.libdubbo.bench;

import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
@State(Scope.Thread)
public class HessianBench {
    private SerializerFactory factory;
    private ByteArrayOutputStream bos;

    private Order pojo;
    private List<Order> pojoList;
    private String string64k;

    private byte[] pojoBytes;
    private byte[] pojoListBytes;
    private byte[] string64kBytes;

    @Setup
    public void setup() throws IOException {
        factory = new SerializerFactory();
        bos = new ByteArrayOutputStream(256 * 1024);
        pojo = Values.pojo();
        pojoList = Values.pojoList();
        string64k = Values.string64k();
        pojoBytes = Codec.encode(factory, pojo);
        pojoListBytes = Codec.encode(factory, pojoList);
        string64kBytes = Codec.encode(factory, string64k);
    }

    @Benchmark
    public int encodePojo() throws IOException {
        return Codec.encode(factory, bos, pojo);
    }

    @Benchmark
    public void decodePojo(Blackhole bh) throws IOException {
        bh.consume(Codec.decode(factory, pojoBytes));
    }

    @Benchmark
    public int encodePojoList() throws IOException {
        return Codec.encode(factory, bos, pojoList);
    }

    @Benchmark
    public void decodePojoList(Blackhole bh) throws IOException {
        bh.consume(Codec.decode(factory, pojoListBytes));
    }

    @Benchmark
    public int encodeString64k() throws IOException {
        return Codec.encode(factory, bos, string64k);
    }

    @Benchmark
    public void decodeString64k(Blackhole bh) throws IOException {
        bh.consume(Codec.decode(factory, string64kBytes));
    }
}
