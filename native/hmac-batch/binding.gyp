{
  "targets": [
    {
      "target_name": "hmac_batch",
      "sources": ["hmac_batch.cc"],
      "cflags_cc": ["-O2"],
      "conditions": [
        # Node's own OpenSSL: its symbols are exported by the node binary, and node-gyp puts its
        # headers on the include path. A Node built against a shared OpenSSL links that instead.
        ["node_shared_openssl=='true'", { "libraries": ["-lcrypto"] }]
      ]
    }
  ]
}
