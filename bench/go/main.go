// The Go package's dubbo2 round trips: echoString("0123456789" x 10) with N
// goroutines each making sequential calls on one Reference (one shared
// connection). Warm-up as the Java peer's bench (at least WARMUP s and 20,000
// calls, at most 15 s), then SECONDS measured; prints the peer's BENCH line.
//
//	go run -tags dubbo_release . dubbo://127.0.0.1:PORT N WARMUP SECONDS
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"libdubbo/bindings-go/dubbo"
)

func main() {
	if len(os.Args) < 5 {
		fmt.Fprintln(os.Stderr, "usage: bench URL N WARMUP SECONDS")
		os.Exit(2)
	}
	n, _ := strconv.Atoi(os.Args[2])
	warmup, _ := strconv.Atoi(os.Args[3])
	seconds, _ := strconv.Atoi(os.Args[4])
	rt, err := dubbo.NewRuntime(2)
	must(err)
	client, err := rt.NewClient(dubbo.ClientOptions{Timeout: 3 * time.Second})
	must(err)
	ref, err := client.Reference(dubbo.ReferenceOptions{Interface: "org.example.Greeter", URL: os.Args[1],
		Methods: []dubbo.Method{{Name: "echoString", Types: []string{"java.lang.String"}}}})
	must(err)
	payload := strings.Repeat("0123456789", 10)
	want := `"` + payload + `"`

	var total atomic.Int64
	var measuring atomic.Bool
	var stop atomic.Bool
	var mu sync.Mutex
	var lat []time.Duration
	var calls, errs int64
	var lastReply time.Time
	var wg sync.WaitGroup
	start := time.Now()
	var measureStart, measureEnd time.Time
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1<<16)
			var c, e int64
			var last time.Time
			for !stop.Load() {
				sent := time.Now()
				v, err := ref.Call(context.Background(), "echoString", payload)
				done := time.Now()
				total.Add(1)
				if measuring.Load() && sent.Before(measureEnd) && !sent.Before(measureStart) {
					c++
					if err != nil || string(v) != want {
						e++
					}
					local = append(local, done.Sub(sent))
					last = done
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			calls += c
			errs += e
			if last.After(lastReply) {
				lastReply = last
			}
			mu.Unlock()
		}()
	}
	for {
		time.Sleep(50 * time.Millisecond)
		el := time.Since(start)
		if (el >= time.Duration(warmup)*time.Second && total.Load() >= 20000) || el >= 15*time.Second {
			break
		}
	}
	measureStart = time.Now()
	measureEnd = measureStart.Add(time.Duration(seconds) * time.Second)
	measuring.Store(true)
	time.Sleep(time.Until(measureEnd))
	stop.Store(true)
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	secs := lastReply.Sub(measureStart).Seconds()
	p := func(q float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(float64(len(lat))*q)].Nanoseconds()) / 1000
	}
	fmt.Printf("BENCH kind=string100 inflight=%d calls=%d seconds=%.2f calls_per_s=%.0f p50_us=%.1f p99_us=%.1f errors=%d\n",
		n, calls, secs, float64(calls)/secs, p(0.5), p(0.99), errs)
	ref.Close()
	client.Close()
	rt.Close()
	if errs != 0 {
		os.Exit(1)
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
