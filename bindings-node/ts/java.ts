/**
 * Java types where a JS value alone does not say which one Java needs:
 * `java.int(5)` vs `java.long(5)`, `java.object(cls, fields)`, `java.enum(cls, name)`,
 * `java.decimal("12.50")`, `java.array("int", [1, 2])`.
 */

/** A number, char or boolean pinned to one Java type (`int`, `long`, `float`, ...). */
export class JavaTyped {
  constructor(
    /** The Java primitive type it pins as a parameter type (`int`, `long`, ...). */
    readonly javaType: 'int' | 'long' | 'short' | 'byte' | 'float' | 'double' | 'char' | 'boolean',
    readonly value: number | bigint | string | boolean,
  ) {}

  valueOf(): number | bigint | string | boolean {
    return this.value
  }

  toString(): string {
    return String(this.value)
  }
}

/** A `java.math.BigDecimal`, kept as its exact decimal text. */
export class JavaDecimal {
  constructor(readonly value: string) {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) {
      throw new TypeError(`not a decimal number: ${JSON.stringify(value)}`)
    }
  }

  toString(): string {
    return this.value
  }

  toJSON(): string {
    return this.value
  }
}

/** The Java class of a decoded (or `java.object`-made) object, a non-enumerable property. */
export const CLASS = '$class'
/** The Java type of a decoded typed list or map (`[int`, `java.util.LinkedHashMap`), non-enumerable. */
export const TYPE = '$type'

/** A Java object: a plain object whose non-enumerable `$class` names its Java class. */
export type JavaObject = Record<string, unknown> & { readonly $class?: string }

function hidden<T extends object>(target: T, key: string, value: string): T {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true })
  return target
}

/** The Java class of `value` if it is a Java object (decoded, or made by `java.object`). */
export function classOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, CLASS)) {
    const c = (value as Record<string, unknown>)[CLASS]
    return typeof c === 'string' ? c : undefined
  }
  return undefined
}

/** The Java type of a typed list or map, if it carries one. */
export function typeOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, TYPE)) {
    const t = (value as Record<string, unknown>)[TYPE]
    return typeof t === 'string' ? t : undefined
  }
  return undefined
}

/** Marks `target` (an object) as an instance of Java class `cls`, and returns it. */
export function withClass<T extends object>(target: T, cls: string): T {
  return hidden(target, CLASS, cls)
}

/** Marks an array or map with a Java type, and returns it. */
export function withType<T extends object>(target: T, type: string): T {
  return hidden(target, TYPE, type)
}

function integer(value: number | bigint, min: number, max: number, what: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${String(value)} is out of range for Java ${what}`)
  }
  return n
}

/** Hessian's name of an array element type (`java.lang.String` → `string`). */
function arrayElement(element: string): string {
  switch (element) {
    case 'java.lang.String':
      return 'string'
    case 'java.lang.Object':
      return 'object'
    default:
      if (!element) throw new TypeError('an array needs an element type')
      return element
  }
}

export const java = {
  int: (v: number) => new JavaTyped('int', integer(v, -2147483648, 2147483647, 'int')),
  long: (v: number | bigint | string) => {
    const b = BigInt(v)
    if (b < -(2n ** 63n) || b >= 2n ** 63n) throw new RangeError(`${String(v)} is out of range for Java long`)
    return new JavaTyped('long', b)
  },
  short: (v: number) => new JavaTyped('short', integer(v, -32768, 32767, 'short')),
  byte: (v: number) => new JavaTyped('byte', integer(v, -128, 127, 'byte')),
  float: (v: number) => new JavaTyped('float', Number(v)),
  double: (v: number) => new JavaTyped('double', Number(v)),
  boolean: (v: boolean) => new JavaTyped('boolean', Boolean(v)),
  char: (v: string) => {
    if (typeof v !== 'string' || v.length !== 1) throw new TypeError('a Java char is one UTF-16 unit')
    return new JavaTyped('char', v)
  },
  /** A Java object of class `cls` with `fields` (copied, in their order). */
  object: <T extends Record<string, unknown>>(cls: string, fields: T = {} as T): T & { readonly $class: string } =>
    withClass({ ...fields }, cls) as T & { readonly $class: string },
  /** A Java enum constant (an object of the enum class with its `name`). */
  enum: (cls: string, name: string) => withClass({ name }, cls) as { name: string; readonly $class: string },
  /** A `java.math.BigDecimal` from its decimal text (or a number, converted with `String`). */
  decimal: (v: string | number | bigint) => new JavaDecimal(String(v)),
  /** A Java array of `element` (`int`, `java.lang.String`, `org.example.User`). */
  array: <T>(element: string, items: Iterable<T>): T[] => withType(Array.from(items), `[${arrayElement(element)}`),
  /** A list or collection of a named Java type (`java.util.LinkedList`). */
  list: <T>(type: string, items: Iterable<T>): T[] => withType(Array.from(items), type),
  classOf,
  typeOf,
}
