package dubbo_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"libdubbo/bindings-go/dubbo"
)

var greeterMethods = []dubbo.Method{
	{Name: "sayHello", Types: []string{"java.lang.String"}},
	{Name: "add", Types: []string{"int", "int"}},
	{Name: "echoUser", Types: []string{"org.example.User"}},
	{Name: "fail", Types: []string{"java.lang.String"}},
	{Name: "slow", Types: []string{"int"}},
	{Name: "attachment", Types: []string{"java.lang.String"}},
}

var shared struct {
	once sync.Once
	rt   *dubbo.Runtime
	err  error
}

func runtimeFor(t *testing.T) *dubbo.Runtime {
	shared.once.Do(func() { shared.rt, shared.err = dubbo.NewRuntime(2) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.rt
}

func root() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..")
}

// startPeer runs a provider that prints "READY <port>"; it ends with the test.
func startPeer(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe() // the Rust provider serves until its stdin closes
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if port, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- port
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case port := <-ready:
		return "dubbo://127.0.0.1:" + port
	case <-time.After(90 * time.Second):
		t.Fatalf("%s did not print READY within 90 s", name)
		return ""
	}
}

func javaJar(t *testing.T) string {
	jar := os.Getenv("LIBDUBBO_JAVA_PEER_JAR")
	if jar == "" {
		t.Skip("LIBDUBBO_JAVA_PEER_JAR is not set; tests/run.sh builds tests/interop/java and sets it")
	}
	return jar
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func greeterRef(t *testing.T, url string) *dubbo.Reference {
	t.Helper()
	c, err := runtimeFor(t).NewClient(dubbo.ClientOptions{Application: "go-test", Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ref, err := c.Reference(dubbo.ReferenceOptions{Interface: "org.example.Greeter", URL: url, Methods: greeterMethods})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ref.Close() })
	return ref
}

// callGreeter runs the same checks against any Greeter provider.
func callGreeter(t *testing.T, ref *dubbo.Reference) {
	ctx := context.Background()
	var s string
	if err := ref.CallInto(ctx, &s, "sayHello", "Go"); err != nil || s != "Hello Go" {
		t.Fatalf("sayHello: %q, %v", s, err)
	}
	var n int
	if err := ref.CallInto(ctx, &n, "add", 2, 3); err != nil || n != 5 {
		t.Fatalf("add: %d, %v", n, err)
	}
	user := dubbo.Object("org.example.User", map[string]any{"name": "Bob", "age": 14})
	var back map[string]any
	if err := ref.CallInto(ctx, &back, "echoUser", user); err != nil || back["name"] != "Bob" || back["$class"] != "org.example.User" {
		t.Fatalf("echoUser: %v, %v", back, err)
	}
	_, err := ref.Call(ctx, "fail", "boom")
	var de *dubbo.Error
	if !errors.Is(err, dubbo.ErrRemoteException) || !errors.As(err, &de) || de.JavaClass != "org.example.GreeterException" || !strings.Contains(de.ExceptionJSON, `"code":42`) {
		t.Fatalf("fail: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err = ref.Call(short, "slow", 3000)
	if !errors.Is(err, dubbo.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || time.Since(started) > 2*time.Second {
		t.Fatalf("slow with a 300 ms deadline: %v after %v", err, time.Since(started))
	}
	cancellable, cancelNow := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancelNow)
	started = time.Now()
	_, err = ref.Call(cancellable, "slow", 3000)
	if !errors.Is(err, dubbo.ErrCancelled) || !errors.Is(err, context.Canceled) || time.Since(started) > 2*time.Second {
		t.Fatalf("slow, cancelled after 100 ms: %v after %v", err, time.Since(started))
	}
	// 64 goroutines at once on the one connection.
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var got int
			if err := ref.CallInto(ctx, &got, "add", i, 1); err != nil || got != i+1 {
				errs <- fmt.Errorf("add(%d, 1) = %d, %v", i, got, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestVersion(t *testing.T) {
	if v := dubbo.Version(); !strings.HasPrefix(v, "0.") {
		t.Fatalf("version %q", v)
	}
}

func TestRustProvider(t *testing.T) {
	bin := filepath.Join(root(), "target", "debug", "greeter_provider")
	if _, err := os.Stat(bin); err != nil {
		t.Skip("no target/debug/greeter_provider (cargo build --workspace)")
	}
	callGreeter(t, greeterRef(t, startPeer(t, bin)))
}

func TestJavaProvider(t *testing.T) {
	jar := javaJar(t)
	port := freePort(t)
	callGreeter(t, greeterRef(t, startPeer(t, "java", "-jar", jar, "provider", fmt.Sprint(port))))
}

func TestErrorsAndClose(t *testing.T) {
	rt := runtimeFor(t)
	c, err := rt.NewClient(dubbo.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reference(dubbo.ReferenceOptions{Interface: "x.Y", URL: "http://127.0.0.1:1"}); !errors.Is(err, dubbo.ErrInvalidArg) {
		t.Fatalf("a bad URL: %v", err)
	}
	ref, err := c.Reference(dubbo.ReferenceOptions{Interface: "x.Y", URL: fmt.Sprintf("dubbo://127.0.0.1:%d", freePort(t))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ref.Call(context.Background(), "m"); !errors.Is(err, dubbo.ErrNetwork) && !errors.Is(err, dubbo.ErrTimeout) {
		t.Fatalf("nobody listening: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ref.Call(ctx, "m"); !errors.Is(err, dubbo.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context: %v", err)
	}
	c.Close()
	if _, err := ref.Call(context.Background(), "m"); !errors.Is(err, dubbo.ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	ref.Close()
}

// The Go provider: Greeter as GreeterImpl.java behaves, for the Java consumer.
func goGreeter() dubbo.Handler {
	var mu sync.Mutex
	memory := json.RawMessage("null")
	return func(ctx context.Context, req *dubbo.Request) (any, error) {
		arg := func(i int) json.RawMessage {
			if i < len(req.Args) {
				return req.Args[i]
			}
			return json.RawMessage("null")
		}
		str := func(i int) string {
			var s string
			_ = json.Unmarshal(arg(i), &s)
			return s
		}
		num := func(i int) int32 {
			var n int64
			_ = json.Unmarshal(arg(i), &n)
			return int32(n)
		}
		switch req.Method {
		case "sayHello":
			return "Hello " + str(0), nil
		case "add":
			return num(0) + num(1), nil
		case "addBoxed":
			if string(arg(0)) == "null" || string(arg(1)) == "null" {
				return nil, nil
			}
			return num(0) + num(1), nil
		case "wrap":
			return json.RawMessage(`{"$class":"org.example.Response","code":200,"message":"ok","data":` + string(arg(0)) + `}`), nil
		case "overloaded":
			if len(req.ParameterTypes) == 1 && req.ParameterTypes[0] == "int" {
				return fmt.Sprintf("int:%d", num(0)), nil
			}
			return "string:" + str(0), nil
		case "doNothing", "returnNull":
			return nil, nil
		case "fail":
			return nil, &dubbo.JavaException{Class: "org.example.GreeterException", Message: str(0), Fields: map[string]any{"code": 42}}
		case "failRuntime":
			return nil, &dubbo.JavaException{Class: "java.lang.IllegalStateException", Message: str(0)}
		case "slow":
			ms := num(0)
			if ms < 0 {
				ms = 0
			} else if ms > 10000 {
				ms = 10000
			}
			time.Sleep(time.Duration(ms) * time.Millisecond)
			return "slept", nil
		case "attachment":
			return req.Attachment(str(0))
		case "echoResponseAttachment":
			if err := req.SetAttachment(str(0), arg(1)); err != nil {
				return nil, err
			}
			return arg(1), nil
		case "remember":
			mu.Lock()
			memory = arg(0)
			mu.Unlock()
			return nil, nil
		case "recalled":
			mu.Lock()
			defer mu.Unlock()
			return memory, nil
		}
		if strings.HasPrefix(req.Method, "echo") {
			return arg(0), nil
		}
		return nil, fmt.Errorf("no method %s", req.Method)
	}
}

var allGreeterMethods = []dubbo.Method{
	{"sayHello", []string{"java.lang.String"}}, {"add", []string{"int", "int"}},
	{"addBoxed", []string{"java.lang.Integer", "java.lang.Integer"}}, {"echoLong", []string{"long"}},
	{"echoDouble", []string{"double"}}, {"echoFloat", []string{"float"}}, {"echoBool", []string{"boolean"}},
	{"echoBytes", []string{"[B"}}, {"echoInts", []string{"[I"}}, {"echoStrings", []string{"[Ljava.lang.String;"}},
	{"echoList", []string{"java.util.List"}}, {"echoMap", []string{"java.util.Map"}}, {"echoSet", []string{"java.util.Set"}},
	{"echoUser", []string{"org.example.User"}}, {"echoUsers", []string{"java.util.List"}}, {"echoNode", []string{"org.example.Node"}},
	{"echoDecimal", []string{"java.math.BigDecimal"}}, {"echoTime", []string{"java.time.LocalDateTime"}},
	{"echoDate", []string{"java.time.LocalDate"}}, {"echoUtilDate", []string{"java.util.Date"}}, {"echoEnum", []string{"org.example.Color"}},
	{"wrap", []string{"org.example.User"}}, {"overloaded", []string{"java.lang.String"}}, {"overloaded", []string{"int"}},
	{"doNothing", []string{}}, {"returnNull", []string{}}, {"fail", []string{"java.lang.String"}},
	{"failRuntime", []string{"java.lang.String"}}, {"slow", []string{"int"}}, {"attachment", []string{"java.lang.String"}},
	{"echoString", []string{"java.lang.String"}}, {"echoPayload", []string{"org.example.Payload"}},
	{"echoResponseAttachment", []string{"java.lang.String", "java.lang.String"}}, {"remember", []string{"java.lang.String"}},
	{"recalled", []string{}},
}

func TestJavaConsumerCallsGoProvider(t *testing.T) {
	jar := javaJar(t)
	srv, err := runtimeFor(t).NewServer(dubbo.ServerOptions{ShutdownTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Export(dubbo.ServiceOptions{Interface: "org.example.Greeter", Methods: allGreeterMethods}, goGreeter()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "java", "-jar", jar, "consumer", fmt.Sprintf("dubbo://127.0.0.1:%d", srv.Port())).Output()
	var summary string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "FAIL") {
			t.Error(line)
		}
		if strings.HasPrefix(line, "java-consumer:") {
			summary = line
		}
	}
	if err != nil || summary == "" {
		t.Fatalf("the Java consumer failed: %v\n%s", err, out)
	}
	fmt.Println(summary + " [Java consumer -> Go provider]")
	if err := srv.Shutdown(); err != nil {
		t.Fatal(err)
	}
}
