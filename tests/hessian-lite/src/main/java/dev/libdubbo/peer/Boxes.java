package dev.libdubbo.peer;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Every primitive beside its boxed twin: Hessian2 writes them alike, Java reads each into its field.
 * No primitive {@code float} field: hessian-lite 4.0.3/4.0.4 (Dubbo 3.3) reads one with
 * {@code Unsafe.putDouble}, corrupting the field beside it (fixed upstream after 4.0.4, unreleased).
 */
public class Boxes implements Serializable {
    int pInt; Integer bInt; Integer nullInt;
    long pLong; Long bLong;
    short pShort; Short bShort;
    byte pByte; Byte bByte;
    Float bFloat;
    double pDouble;
    char pChar; Character bChar;
    boolean pBool; Boolean bBool;

    static Boxes sample() {
        Boxes b = new Boxes();
        b.pInt = 1; b.bInt = 2; b.nullInt = null;
        b.pLong = 3; b.bLong = 4L;
        b.pShort = 5; b.bShort = 6;
        b.pByte = 7; b.bByte = 8;
        b.bFloat = 2.5f;
        b.pDouble = 3.25;
        b.pChar = 'x'; b.bChar = 'y';
        b.pBool = true; b.bBool = false;
        return b;
    }

    private Object[] all() {
        return new Object[] {pInt, bInt, nullInt, pLong, bLong, pShort, bShort, pByte, bByte,
            bFloat, pDouble, pChar, bChar, pBool, bBool};
    }

    @Override public boolean equals(Object o) { return o instanceof Boxes b && Arrays.equals(all(), b.all()); }

    @Override public int hashCode() { return Arrays.hashCode(all()); }

    @Override public String toString() { return "Boxes" + Arrays.toString(all()); }
}
