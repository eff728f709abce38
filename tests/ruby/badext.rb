# Extensions that cannot load raise LoadError carrying libdl's dlerror text, and the
# interpreter keeps running. Writes its bad files into the current directory.
File.binwrite("corrupt_ext.so", "\0asm\x01\0\0\0" + "\xff" * 16)
File.binwrite("notwasm_ext.so", "#!/bin/sh\necho this is not wasm\n")
# unresolved.so (tests/ruby/ext/unresolved, built by the test) needs a function no one defines;
# so does the standard pty.so (the fork WASI's Ruby lacks).
["./corrupt_ext", "./notwasm_ext", "./missing_ext", "./unresolved", "pty"].each do |name|
  begin
    require name
    puts "#{name}: loaded?!"
  rescue LoadError => e
    # The dlerror text up to the host's own detail (the engine's wording is not ours), without
    # Ruby's " - PATH" suffix.
    puts "#{name}: LoadError: #{e.message.sub(/ - [^ ]*\z/, "").split(": ").first(3).join(": ")}"
  end
end
puts "still running: #{[1, 2, 3].sum}"
