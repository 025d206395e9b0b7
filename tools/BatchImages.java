import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Makes COUNT test photos of SIZE px (long side) for tools/batch_throughput.sh: crops of the
 * source images at several offsets and zooms, mirrored every other one, written as PNG.
 * Usage: java tools/BatchImages.java OUT_DIR COUNT SIZE SOURCE...
 */
public class BatchImages {
  public static void main(String[] args) throws Exception {
    File out = new File(args[0]);
    int count = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    List<BufferedImage> sources = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      BufferedImage img = ImageIO.read(new File(args[i]));
      if (img != null) {
        sources.add(img);
      }
    }
    out.mkdirs();
    for (int k = 0; k < count; k++) {
      BufferedImage src = sources.get(k % sources.size());
      int variant = k / sources.size();
      double zoom = 1.0 - 0.15 * (variant % 4);
      int cw = (int) (src.getWidth() * zoom);
      int ch = (int) (src.getHeight() * zoom);
      int x0 = (src.getWidth() - cw) * (variant % 3) / 2;
      int y0 = (src.getHeight() - ch) * ((variant + 1) % 3) / 2;
      double scale = (double) size / Math.max(cw, ch);
      int w = Math.max(1, (int) Math.round(cw * scale));
      int h = Math.max(1, (int) Math.round(ch * scale));
      BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = dst.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      boolean mirror = variant % 2 == 1;
      g.drawImage(src, mirror ? w : 0, 0, mirror ? 0 : w, h, x0, y0, x0 + cw, y0 + ch, null);
      g.dispose();
      ImageIO.write(dst, "png", new File(out, String.format("photo%02d.png", k)));
    }
  }
}
