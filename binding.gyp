{
  "targets": [
    {
      "target_name": "ckpt_native",
      "sources": ["native/addon.c", "native/mmap.c", "native/copy.c", "native/regression-sums.c"],
      "cflags": ["-O3", "-Wall", "-Wextra", "-ffp-contract=off"],
      "conditions": [["OS=='win'", { "type": "none", "sources": [] }]]
    }
  ]
}
