/**
 * JS values ⇄ the bytes `src/wire.rs` reads and writes (its doc has the
 * format). Shared and cyclic structure is kept by object identity: the lists,
 * maps and objects of one message are numbered in pre-order, as Hessian's ref
 * table numbers them, and an object met again is written as a ref to its
 * number; refs read back resolve to the very object made for their target.
 */

import { DubboCodecError, DubboInvalidArgumentError } from './errors'
import { CLASS, JavaDecimal, JavaTyped, TYPE, classOf, typeOf, withClass, withType } from './java'

const NULL = 0
const TRUE = 1
const FALSE = 2
const INT = 3
const LONG = 4
const DOUBLE = 5
const STRING = 6
const UTF16 = 7
const BYTES = 8
const DATE = 9
const LIST = 10
const MAP = 11
const OBJECT = 12
const REF = 13
const FLOAT = 14
const DECIMAL = 15

const MAX_DEPTH = 512
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n
const SETS = new Set(['java.util.HashSet', 'java.util.Set', 'java.util.LinkedHashSet', 'java.util.TreeSet'])

function invalid(message: string): DubboInvalidArgumentError {
  return new DubboInvalidArgumentError(message, 'DUBBO_INVALID_ARGUMENT')
}

/** Typed arrays as Java arrays. */
function typedArrayType(v: ArrayBufferView): string | undefined {
  if (v instanceof Int32Array) return '[int'
  if (v instanceof Float64Array) return '[double'
  if (v instanceof Float32Array) return '[float'
  if (v instanceof Int16Array) return '[short'
  if (v instanceof BigInt64Array) return '[long'
  return undefined
}

/** A growing byte buffer. */
export class Writer {
  buf = Buffer.allocUnsafe(256)
  pos = 0

  private room(n: number): void {
    if (this.pos + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
      this.buf.copy(bigger, 0, 0, this.pos)
      this.buf = bigger
    }
  }

  u8(v: number): void {
    this.room(1)
    this.buf[this.pos++] = v
  }

  u32(v: number): void {
    this.room(4)
    this.buf.writeUInt32LE(v, this.pos)
    this.pos += 4
  }

  i32(v: number): void {
    this.room(4)
    this.buf.writeInt32LE(v, this.pos)
    this.pos += 4
  }

  f64(v: number): void {
    this.room(8)
    this.buf.writeDoubleLE(v, this.pos)
    this.pos += 8
  }

  f32(v: number): void {
    this.room(4)
    this.buf.writeFloatLE(v, this.pos)
    this.pos += 4
  }

  i64(v: bigint): void {
    this.room(8)
    this.buf.writeBigInt64LE(v, this.pos)
    this.pos += 8
  }

  str(s: string): void {
    const n = Buffer.byteLength(s)
    this.room(4 + n)
    this.buf.writeUInt32LE(n, this.pos)
    this.pos += 4
    this.pos += this.buf.write(s, this.pos, 'utf8')
  }

  optStr(s: string | null | undefined): void {
    if (s == null) {
      this.u8(0)
    } else {
      this.u8(1)
      this.str(s)
    }
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length)
    this.room(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos)
  }

  /** Starts a new message: ref numbering begins again. */
  message(): Encoder {
    return new Encoder(this)
  }
}

/** Writes the values of one message. */
export class Encoder {
  private seen = new Map<object, number>()
  private next = 0
  private depth = 0

  constructor(private readonly w: Writer) {}

  value(v: unknown): void {
    const w = this.w
    switch (typeof v) {
      case 'undefined':
        return w.u8(NULL)
      case 'boolean':
        return w.u8(v ? TRUE : FALSE)
      case 'number':
        if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0)) {
          w.u8(INT)
          return w.i32(v)
        }
        w.u8(DOUBLE)
        return w.f64(v)
      case 'bigint':
        if (v < LONG_MIN || v > LONG_MAX) throw invalid(`${v} does not fit a Java long; send java.decimal(...) for BigDecimal`)
        w.u8(LONG)
        return w.i64(v)
      case 'string':
        return this.string(v)
      case 'object':
        if (v === null) return w.u8(NULL)
        return this.object(v)
      default:
        throw invalid(`cannot send a ${typeof v} to Java`)
    }
  }

  private string(s: string): void {
    if (s.isWellFormed()) {
      this.w.u8(STRING)
      return this.w.str(s)
    }
    // Lone surrogates: Java allows them, UTF-8 cannot say them.
    this.w.u8(UTF16)
    this.w.u32(s.length)
    for (let i = 0; i < s.length; i++) {
      this.w.u8(s.charCodeAt(i) & 0xff)
      this.w.u8(s.charCodeAt(i) >> 8)
    }
  }

  private object(v: object): void {
    const w = this.w
    if (v instanceof JavaTyped) return this.typed(v)
    if (v instanceof Date) {
      const ms = v.getTime()
      if (Number.isNaN(ms)) throw invalid('cannot send an invalid Date')
      w.u8(DATE)
      return w.f64(ms)
    }
    if (v instanceof JavaDecimal) {
      // One object of the message (nothing can refer to it from JS).
      this.next++
      w.u8(DECIMAL)
      return w.str(v.value)
    }
    if (v instanceof Uint8Array || v instanceof Int8Array) {
      w.u8(BYTES)
      return w.bytes(v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
    }
    const ref = this.seen.get(v)
    if (ref !== undefined) {
      w.u8(REF)
      return w.u32(ref)
    }
    if (this.depth >= MAX_DEPTH) throw invalid(`the value nests deeper than ${MAX_DEPTH} levels`)
    this.seen.set(v, this.next++)
    this.depth++
    try {
      this.container(v)
    } finally {
      this.depth--
    }
  }

  private container(v: object): void {
    const w = this.w
    if (Array.isArray(v)) {
      w.u8(LIST)
      w.str(typeOf(v) ?? '')
      w.u32(v.length)
      for (const item of v) this.value(item)
      return
    }
    if (ArrayBuffer.isView(v)) {
      const type = typedArrayType(v)
      if (!type) throw invalid(`cannot send a ${v.constructor.name} to Java`)
      const items = v as unknown as ArrayLike<number | bigint>
      w.u8(LIST)
      w.str(type)
      w.u32(items.length)
      for (let i = 0; i < items.length; i++) {
        const item = items[i]
        if (typeof item === 'bigint') {
          w.u8(LONG)
          w.i64(item)
        } else if (type === '[double' || type === '[float') {
          w.u8(DOUBLE)
          w.f64(item)
        } else {
          w.u8(INT)
          w.i32(item)
        }
      }
      return
    }
    if (v instanceof Set) {
      w.u8(LIST)
      w.str(typeOf(v) ?? 'java.util.HashSet')
      w.u32(v.size)
      for (const item of v) this.value(item)
      return
    }
    if (v instanceof Map) {
      w.u8(MAP)
      w.str(typeOf(v) ?? '')
      w.u32(v.size)
      w.u8(0)
      for (const [k, item] of v) {
        this.value(k)
        this.value(item)
      }
      return
    }
    const cls = classOf(v) ?? javaClassOfConstructor(v)
    const keys = Object.keys(v)
    const record = v as Record<string, unknown>
    if (cls !== undefined) {
      w.u8(OBJECT)
      w.str(cls)
      w.u32(keys.length)
      for (const k of keys) {
        w.str(k)
        this.value(record[k])
      }
      return
    }
    w.u8(MAP)
    w.str(typeOf(v) ?? '')
    w.u32(keys.length)
    w.u8(1)
    for (const k of keys) {
      this.string(k)
      this.value(record[k])
    }
  }

  private typed(t: JavaTyped): void {
    const w = this.w
    switch (t.javaType) {
      case 'int':
      case 'short':
      case 'byte':
        w.u8(INT)
        return w.i32(Number(t.value))
      case 'long':
        w.u8(LONG)
        return w.i64(BigInt(t.value as bigint))
      case 'float':
        w.u8(FLOAT)
        return w.f32(Number(t.value))
      case 'double':
        w.u8(DOUBLE)
        return w.f64(Number(t.value))
      case 'char':
        return this.string(String(t.value))
      case 'boolean':
        return w.u8(t.value ? TRUE : FALSE)
    }
  }
}

/** A class instance whose constructor names its Java class (`static javaClass = "..."`). */
function javaClassOfConstructor(v: object): string | undefined {
  const ctor = (v as { constructor?: { javaClass?: unknown } }).constructor
  return ctor && ctor !== Object && typeof ctor.javaClass === 'string' ? ctor.javaClass : undefined
}

/** The Java parameter type a wrapper pins, for calls whose method has no declared types. */
export function pinOf(v: unknown): string | null {
  return v instanceof JavaTyped ? v.javaType : null
}

/** Reads what `src/wire.rs` wrote. */
export class Reader {
  pos = 0

  constructor(readonly buf: Buffer) {}

  u8(): number {
    return this.buf[this.pos++]
  }

  u32(): number {
    const v = this.buf.readUInt32LE(this.pos)
    this.pos += 4
    return v
  }

  i32(): number {
    const v = this.buf.readInt32LE(this.pos)
    this.pos += 4
    return v
  }

  str(): string {
    const n = this.u32()
    const s = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }

  optStr(): string | null {
    return this.u8() === 0 ? null : this.str()
  }

  /** Starts a new message: refs resolve within it. `lenient`: unresolvable refs become null. */
  message(lenient = false): Decoder {
    return new Decoder(this, lenient)
  }
}

/** Reads the values of one message. */
export class Decoder {
  private slots: unknown[] = []

  constructor(
    private readonly r: Reader,
    private readonly lenient: boolean,
  ) {}

  value(): unknown {
    const r = this.r
    const buf = r.buf
    const tag = r.u8()
    switch (tag) {
      case NULL:
        return null
      case TRUE:
        return true
      case FALSE:
        return false
      case INT:
        return r.i32()
      case LONG: {
        const v = buf.readBigInt64LE(r.pos)
        r.pos += 8
        return v
      }
      case DOUBLE: {
        const v = buf.readDoubleLE(r.pos)
        r.pos += 8
        return v
      }
      case STRING:
        return r.str()
      case UTF16: {
        const n = r.u32()
        let s = ''
        for (let i = 0; i < n; i++) s += String.fromCharCode(buf.readUInt16LE(r.pos + 2 * i))
        r.pos += 2 * n
        return s
      }
      case BYTES: {
        const n = r.u32()
        const b = Buffer.from(buf.subarray(r.pos, r.pos + n))
        r.pos += n
        return b
      }
      case DATE: {
        const v = buf.readDoubleLE(r.pos)
        r.pos += 8
        return new Date(v)
      }
      case LIST:
        return this.list()
      case MAP:
        return this.map()
      case OBJECT:
        return this.object()
      case REF: {
        const n = r.u32()
        if (n < this.slots.length && this.slots[n] !== undefined) return this.slots[n]
        if (this.lenient) return null
        throw new DubboCodecError(`ref ${n} points at no earlier list, map or object`, 'DUBBO_CODEC')
      }
      case DECIMAL: {
        const d = new JavaDecimal(r.str())
        this.slots.push(d)
        return d
      }
      default:
        throw new DubboCodecError(`unknown value tag ${tag}`, 'DUBBO_CODEC')
    }
  }

  private list(): unknown {
    const type = this.r.str()
    const n = this.r.u32()
    if (SETS.has(type)) {
      const set = new Set<unknown>()
      if (type !== 'java.util.HashSet') withType(set, type)
      this.slots.push(set)
      for (let i = 0; i < n; i++) set.add(this.value())
      return set
    }
    const list: unknown[] = []
    if (type) withType(list, type)
    this.slots.push(list)
    for (let i = 0; i < n; i++) list.push(this.value())
    return list
  }

  private map(): unknown {
    const type = this.r.str()
    const n = this.r.u32()
    const stringKeys = this.r.u8() === 1
    if (stringKeys) {
      const obj: Record<string, unknown> = {}
      if (type) withType(obj, type)
      this.slots.push(obj)
      for (let i = 0; i < n; i++) {
        const k = this.value() as string
        setField(obj, k, this.value())
      }
      return obj
    }
    const map = new Map<unknown, unknown>()
    if (type) withType(map, type)
    this.slots.push(map)
    for (let i = 0; i < n; i++) {
      const k = this.value()
      map.set(k, this.value())
    }
    return map
  }

  private object(): unknown {
    const cls = this.r.str()
    const n = this.r.u32()
    const obj = withClass({} as Record<string, unknown>, cls)
    this.slots.push(obj)
    for (let i = 0; i < n; i++) {
      const name = this.r.str()
      setField(obj, name, this.value())
    }
    return obj
  }
}

function setField(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__' || key === CLASS || key === TYPE) {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    obj[key] = value
  }
}

/** One message's values, e.g. a call's arguments. */
export function encodeValues(values: readonly unknown[]): Buffer {
  const w = new Writer()
  w.u32(values.length)
  const e = w.message()
  for (const v of values) e.value(v)
  return w.done()
}

/** `(key, value)` pairs, each value its own message. */
export function writeAttachments(w: Writer, attachments: Record<string, unknown> | Map<string, unknown> | undefined): void {
  const entries = attachments instanceof Map ? [...attachments] : Object.entries(attachments ?? {})
  w.u32(entries.length)
  for (const [k, v] of entries) {
    w.str(k)
    w.message().value(v)
  }
}

export function readAttachments(r: Reader): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const n = r.u32()
  for (let i = 0; i < n; i++) {
    const k = r.str()
    setField(out, k, r.message().value())
  }
  return out
}
