{
  "targets": [
    {
      "target_name": "ckpt_native",
      "sources": ["native/mmap.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "conditions": [["OS=='win'", { "type": "none", "sources": [] }]]
    }
  ]
}
