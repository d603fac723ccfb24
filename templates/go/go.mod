module wl-webhook-receiver

go 1.19
