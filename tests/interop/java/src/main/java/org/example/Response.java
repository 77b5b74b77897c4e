package org.example;

import java.io.Serializable;
import java.util.Objects;

/** A generic envelope; {@code data} travels as its runtime class. */
public class Response<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private int code;
    private String message;
    private T data;

    public Response() {}

    public Response(int code, String message, T data) {
        this.code = code;
        this.message = message;
        this.data = data;
    }

    public int getCode() { return code; }
    public void setCode(int code) { this.code = code; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public T getData() { return data; }
    public void setData(T data) { this.data = data; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Response)) return false;
        Response<?> r = (Response<?>) o;
        return code == r.code && Objects.equals(message, r.message) && Objects.equals(data, r.data);
    }

    @Override
    public int hashCode() { return Objects.hash(code, message, data); }

    @Override
    public String toString() { return "Response{code=" + code + ", message=" + message + ", data=" + data + "}"; }
}
