module libdubbo/bindings-go

go 1.22
