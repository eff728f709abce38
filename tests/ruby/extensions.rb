# Standard-library C extensions loaded by `require` through this libdl (each one a side module
# dlopened at run time), and the interpreter's own unwinding across their frames.
require "stringio"
require "strscan"
require "json"
require "digest/md5"
require "digest/sha2"
require "date"

io = StringIO.new("line one\nline two\n")
puts "stringio: #{io.readlines.map(&:chomp).inspect}"
s = StringScanner.new("3 apples")
puts "strscan: #{s.scan(/\d+/)} then #{s.scan(/\s+\w+/).strip}"
puts "json: #{JSON.generate({ "a" => [1, 2.5, nil] })} #{JSON.parse('{"b": [true]}').inspect}"
puts "md5: #{Digest::MD5.hexdigest("abc")}"
puts "sha256: #{Digest::SHA256.hexdigest("abc")[0, 16]}"
puts "date: #{Date.new(2026, 12, 4).strftime("%A %Y-%m-%d")} +30: #{(Date.new(2026, 12, 4) + 30).iso8601}"

# rb_raise inside an extension, rescued in Ruby (a longjmp through the extension's frames).
begin
  JSON.parse("{not json")
rescue JSON::ParserError => e
  puts "rescued #{e.class} from the json extension"
end
# A block called from C (StringIO#each_line) breaking out, and GC while C frames are live.
io = StringIO.new((1..2000).map { |i| "row #{i}\n" }.join)
count = 0
io.each_line do |l|
  count += 1
  GC.start if count % 500 == 0
  break if count == 1500
end
puts "each_line stopped at #{count}"
# A Fiber switch while an extension frame is on the stack.
f = Fiber.new do
  StringIO.new("a\nb\n").each_line { |l| Fiber.yield l.chomp }
  :done
end
puts "fiber: #{[f.resume, f.resume, f.resume].inspect}"
puts "loaded from: #{$LOADED_FEATURES.grep(/stringio\.so\z/).map { |p| File.basename(p) }.inspect}"
