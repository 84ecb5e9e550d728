{
  "targets": [
    {
      "target_name": "ckpt_native",
      "sources": ["native/addon.c", "native/mmap.c", "native/copy.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "conditions": [["OS=='win'", { "type": "none", "sources": [] }]]
    }
  ]
}
