package dev.libdubbo.peer;

/** A checked business exception with fields of its own. */
public class BizException extends Exception {
    int code;
    String detail;

    public BizException(String message, int code, String detail) {
        super(message);
        this.code = code;
        this.detail = detail;
    }
}
