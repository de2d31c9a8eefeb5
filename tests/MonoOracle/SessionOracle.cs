// A test oracle run under real Mono: Mono's own System.Web SessionStateItemCollection.Serialize/Deserialize
// (public API of Mono's System.Web.dll), with GZip as Mono's SessionStateServerHandler applies it.
//   mono SessionOracle.exe write <file> [gzip]   writes the fixed sample items
//   mono SessionOracle.exe read <file> [gzip]    reads a collection and prints one line per item: key, type, value
//   mono SessionOracle.exe rewrite <in> <out>    reads a collection, sets Count = Count + 1, writes it back
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;
using System.Web.SessionState;
using LegacyApp.Models;

static class SessionOracle
{
    static int Main(string[] args)
    {
        Thread();
        bool gzip = args.Length > 2 && args[2] == "gzip";
        switch (args[0])
        {
            case "write":
                File.WriteAllBytes(args[1], Write(Sample(), gzip));
                return 0;
            case "read":
                var items = Read(File.ReadAllBytes(args[1]), gzip);
                var text = new StringBuilder();
                foreach (string key in items.Keys)
                {
                    object value = items[key];
                    text.Append(key).Append('\t').Append(value == null ? "null" : value.GetType().FullName).Append('\t').Append(Describe(value)).Append('\n');
                }
                Console.Out.Write(Convert.ToBase64String(Encoding.UTF8.GetBytes(text.ToString())));
                return 0;
            case "rewrite":
                var collection = Read(File.ReadAllBytes(args[1]), false);
                collection["Count"] = (int)collection["Count"] + 1;
                File.WriteAllBytes(args[2], Write(collection, false));
                return 0;
            default:
                Console.Error.WriteLine("unknown command " + args[0]);
                return 2;
        }
    }

    static void Thread()
    {
        System.Threading.Thread.CurrentThread.CurrentCulture = CultureInfo.InvariantCulture;
    }

    static SessionStateItemCollection Sample()
    {
        var items = new SessionStateItemCollection();
        items["Count"] = 7;
        items["UserName"] = "Zoë ☃";
        items["Big"] = -9000000000L;
        items["Flag"] = true;
        items["Ratio"] = 2.5;
        items["Single"] = 1.25f;
        items["Price"] = 12.50m;
        items["G"] = new Guid("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        items["Span"] = TimeSpan.FromSeconds(90);
        items["When"] = new DateTime(638505760891234567, DateTimeKind.Utc);
        items["Nothing"] = null;
        items["Db"] = DBNull.Value;
        items["Ch"] = 'é';
        items["B"] = (byte)200;
        items["SB"] = (sbyte)-5;
        items["S"] = (short)-300;
        items["US"] = (ushort)60000;
        items["UI"] = 4000000000u;
        items["UL"] = 18000000000000000000ul;
        items["Tier"] = Tier.Pro;
        items["Prof"] = new Profile { Name = "Ann", Visits = 3, Since = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), Roles = new[] { "admin", "user" } };
        items["Cart"] = new Cart { CartId = new Guid("11111111-2222-3333-4444-555555555555"), Items = new List<CartItem> { new CartItem { Sku = "SKU-1", Quantity = 2, Price = 9.99m }, new CartItem { Sku = "SKU-9", Quantity = 1, Price = 0.50m } } };
        return items;
    }

    static byte[] Write(SessionStateItemCollection items, bool gzip)
    {
        var stream = new MemoryStream();
        Stream output = gzip ? (Stream)new GZipStream(stream, CompressionMode.Compress, true) : stream;
        var writer = new BinaryWriter(output);
        items.Serialize(writer);
        writer.Flush();
        if (gzip) output.Close();
        return stream.ToArray();
    }

    static SessionStateItemCollection Read(byte[] data, bool gzip)
    {
        Stream input = new MemoryStream(data);
        if (gzip) input = new GZipStream(input, CompressionMode.Decompress);
        return SessionStateItemCollection.Deserialize(new BinaryReader(input));
    }

    static string Describe(object value)
    {
        if (value == null) return "null";
        if (value is DateTime) { var d = (DateTime)value; return d.Ticks.ToString(CultureInfo.InvariantCulture) + "/" + d.Kind; }
        if (value is decimal) return ((decimal)value).ToString(CultureInfo.InvariantCulture);
        if (value is double) return ((double)value).ToString("R", CultureInfo.InvariantCulture);
        if (value is float) return ((float)value).ToString("R", CultureInfo.InvariantCulture);
        if (value is char) return ((int)(char)value).ToString(CultureInfo.InvariantCulture);
        var p = value as Profile;
        if (p != null) return p.Name + "|" + p.Visits + "|" + p.Since.Ticks + "/" + p.Since.Kind + "|" + string.Join(",", p.Roles);
        var c = value as Cart;
        if (c != null)
        {
            var parts = new List<string>();
            foreach (var i in c.Items) parts.Add(i.Sku + ":" + i.Quantity + ":" + i.Price.ToString(CultureInfo.InvariantCulture));
            return c.CartId + "|" + string.Join(";", parts.ToArray());
        }
        return Convert.ToString(value, CultureInfo.InvariantCulture);
    }
}
