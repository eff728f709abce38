# Drives the demo extension (tests/ruby/ext/wasidemo, built by bin/rbwasi-build-ext): a class
# defined in C, a raise from C rescued here, a block called from C (with next and break), and a
# C method that allocates until the GC runs while its frame is on the stack. The same script
# runs natively against a native build of the extension, for the transcript.
require "wasidemo"

c = WasiDemo::Counter.new(5)
puts "class: #{c.class} #{c.class.instance_methods(false).sort.inspect}"
puts "add: #{c.add(3)} #{c.add(4)}"
begin
  c.add(-1)
rescue ArgumentError => e
  puts "rescued from C: #{e.class}: #{e.message}; count still #{c.count}"
end
c.each_step(4) { |i| i * 10 }
puts "each_step: #{c.count}"
c.each_step(10) { |i| next 1 if i.odd?; 0 }
puts "next: #{c.count}"
r = c.each_step(1_000) { |i| break i if i == 7; 1 }
puts "break out of C: #{r}, count #{c.count}"
puts "enumerator: #{c.each_step(3).map { |i| i + 1 }.inspect}, count #{c.count}"
runs, total = c.churn(200_000)
puts "churn: GC ran during the call: #{runs > 0}, kept length #{total}"
GC.start
puts "after GC.start: #{c.count}, #{WasiDemo::Counter.new.add(1)}"
begin
  WasiDemo::Counter.new("x")
rescue TypeError => e
  puts "TypeError from NUM2LONG: #{e.message}"
end
