module libdubbo/examples/go

go 1.22

require libdubbo/bindings-go v0.0.0

replace libdubbo/bindings-go => ../../bindings-go
