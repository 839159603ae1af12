PROXY TCP4 192.0.2.7 198.51.100.1 40000 80
GET /ok HTTP/1.1
Host: a
Connection: close

