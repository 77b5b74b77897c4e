package org.example;

/** The checked business exception of {@link Greeter#fail}; carries an extra field {@code code}. */
public class GreeterException extends Exception {
    private static final long serialVersionUID = 1L;

    private int code;

    public GreeterException() {}

    public GreeterException(String message, int code) {
        super(message);
        this.code = code;
    }

    public int getCode() { return code; }
}
