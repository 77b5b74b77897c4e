package dev.libdubbo.peer;

import java.io.Serializable;
import java.util.Objects;

/** A generic wrapper, as service APIs return them. */
public class Response<T> implements Serializable {
    int code;
    String message;
    T data;

    public Response(int code, String message, T data) {
        this.code = code;
        this.message = message;
        this.data = data;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Response<?> r && code == r.code && Objects.equals(message, r.message)
            && Objects.equals(data, r.data);
    }

    @Override public int hashCode() { return Objects.hash(code, message, data); }

    @Override public String toString() { return "Response{code=" + code + ", message=" + message + ", data=" + data + "}"; }
}
