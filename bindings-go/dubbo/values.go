package dubbo

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

// Values cross as JSON (include/README.md has the table). Plain Go values
// marshal as expected (string, bool, float64 with a fraction, int that fits
// int32 as a Java int, maps, slices); these wrappers say what Java needs when
// the default guess is wrong.

// Long pins a Java long.
type Long int64

// MarshalJSON writes {"$type":"long","value":n}.
func (l Long) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"$type": "long", "value": int64(l)})
}

// Bytes is a Java byte[] ({"$bytes": base64}).
type Bytes []byte

// MarshalJSON writes {"$bytes":"..."}.
func (b Bytes) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"$bytes": base64.StdEncoding.EncodeToString(b)})
}

// Date is a java.util.Date ({"$date": ms}).
type Date time.Time

// MarshalJSON writes {"$date": ms}.
func (d Date) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]int64{"$date": time.Time(d).UnixMilli()})
}

// Object is an instance of a Java class with named fields ({"$class": ..., fields}).
func Object(class string, fields map[string]any) json.RawMessage {
	m := make(map[string]any, len(fields)+1)
	for k, v := range fields {
		m[k] = v
	}
	m["$class"] = class
	b, _ := json.Marshal(m)
	return b
}

// Typed pins a Java primitive or boxed type: Typed("short", 5), Typed("float", 0.5).
func Typed(javaType string, value any) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"$type": javaType, "value": value})
	return b
}
