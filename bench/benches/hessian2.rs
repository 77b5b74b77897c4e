//! Hessian2 encode/decode throughput on the values hessian-lite's JMH benchmark
//! (`bench/jvm`) uses: a ~1 KB POJO, a list of 100 POJOs, a 64 KiB string.
//! The values are decoded from the bytes Java wrote, so both sides measure the
//! same data. Run through `bench/hessian2.sh`, which compares the two.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use libdubbo_core::hessian2::{self, ClassCache, Decoder, Encoder};

const INPUTS: [(&str, &str); 3] = [("Pojo", "pojo.bin"), ("PojoList", "pojo_list.bin"), ("String64k", "string_64k.bin")];

fn inputs_dir() -> PathBuf {
    std::env::var_os("LIBDUBBO_BENCH_INPUTS")
        .map(PathBuf::from)
        .expect("set LIBDUBBO_BENCH_INPUTS to the inputs bench/jvm wrote (bench/hessian2.sh does)")
}

fn hessian2_bench(c: &mut Criterion) {
    let dir = inputs_dir();
    let mut group = c.benchmark_group("hessian2");
    for (name, file) in INPUTS {
        let bytes = std::fs::read(dir.join(file)).expect("benchmark input");
        let value = hessian2::decode(&bytes).expect("Java's bytes decode");
        assert_eq!(hessian2::encode(&value).unwrap(), bytes, "{name}: we must write what Java wrote");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        let mut encoder = Encoder::new();
        group.bench_function(format!("encode{name}"), |b| {
            b.iter(|| {
                encoder.reset();
                encoder.write(black_box(&value)).unwrap();
                encoder.bytes().len()
            })
        });
        // As Dubbo keeps one SerializerFactory, a connection keeps one class cache.
        let cache = ClassCache::new();
        group.bench_function(format!("decode{name}"), |b| {
            b.iter(|| Decoder::new(black_box(&bytes)).class_cache(&cache).read().unwrap())
        });
        group.bench_function(format!("decode{name}Uncached"), |b| b.iter(|| hessian2::decode(black_box(&bytes)).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, hessian2_bench);
criterion_main!(benches);
