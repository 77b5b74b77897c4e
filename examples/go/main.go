// A provider and a consumer in one process, from Go: the server exports
// org.example.Greeter with a Go handler, the client calls it over loopback
// with a context deadline, and a declared Java exception comes back as an
// error that errors.Is and errors.As read.
//
//	cargo build -p libdubbo-ffi && (cd examples/go && go run .)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"libdubbo/bindings-go/dubbo"
)

func main() {
	rt, err := dubbo.NewRuntime(0)
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close()

	methods := []dubbo.Method{{Name: "sayHello", Types: []string{"java.lang.String"}}, {Name: "fail", Types: []string{"java.lang.String"}}}
	server, err := rt.NewServer(dubbo.ServerOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	err = server.Export(dubbo.ServiceOptions{Interface: "org.example.Greeter", Methods: methods},
		func(ctx context.Context, req *dubbo.Request) (any, error) {
			var name string
			if len(req.Args) > 0 {
				_ = json.Unmarshal(req.Args[0], &name)
			}
			if req.Method == "sayHello" {
				return "Hello " + name, nil
			}
			return nil, &dubbo.JavaException{Class: "org.example.GreeterException", Message: name, Fields: map[string]any{"code": 42}}
		})
	if err != nil {
		log.Fatal(err)
	}
	url := fmt.Sprintf("dubbo://127.0.0.1:%d", server.Port())
	fmt.Println("provider listening on", url)

	client, err := rt.NewClient(dubbo.ClientOptions{Application: "go-example"})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	greeter, err := client.Reference(dubbo.ReferenceOptions{Interface: "org.example.Greeter", URL: url, Methods: methods})
	if err != nil {
		log.Fatal(err)
	}
	defer greeter.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var reply string
	if err := greeter.CallInto(ctx, &reply, "sayHello", "Go"); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("sayHello(\"Go\") -> %q\n", reply)

	_, err = greeter.Call(ctx, "fail", "on purpose")
	var de *dubbo.Error
	if errors.Is(err, dubbo.ErrRemoteException) && errors.As(err, &de) {
		fmt.Printf("fail(\"on purpose\") -> %s (%s)\n", de.JavaClass, de.Message)
	} else {
		log.Fatalf("fail: unexpected %v", err)
	}
	if err := server.Shutdown(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("done")
}
